# N HTTP/1.0 requests for one path, each on a connection of its own, up to
# BATCH of them open at once; prints the body bytes received. For zctrace's
# test of a server with thousands of connections.
import socket
import sys

port, path, total, batch = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
request = ("GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n" % path).encode()
body = 0
done = 0
while done < total:
    conns = []
    for _ in range(min(batch, total - done)):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(request)
        conns.append(s)
    for s in conns:
        data = b""
        while True:
            chunk = s.recv(1 << 16)
            if not chunk:
                break
            data += chunk
        s.close()
        header_end = data.find(b"\r\n\r\n")
        if header_end < 0 or not data.startswith(b"HTTP/1.1 200"):
            sys.exit("bad response: %r" % data[:100])
        body += len(data) - header_end - 4
    done += len(conns)
print(body)
