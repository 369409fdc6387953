# MSG_ZEROCOPY sends of 64 KiB buffers to a socket of the same program,
# which a thread receives and counts; the sender reads the completions from
# the error queue only when told to ("read" as the second argument), and
# prints "sends N completions C copied K received M" (C and K are 0 when it
# did not read them). For zctrace's tests of programs that use zero-copy.
#
#   python3 py_zerocopy.py SENDS read|ignore
import socket
import struct
import sys
import threading

SO_ZEROCOPY = 60
MSG_ZEROCOPY = 0x4000000
SO_EE_ORIGIN_ZEROCOPY = 5
SO_EE_CODE_ZEROCOPY_COPIED = 1

sends = int(sys.argv[1])
read_completions = sys.argv[2] == "read"
server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen(1)
received = 0


def receive():
    global received
    conn, _ = server.accept()
    with conn:
        while True:
            data = conn.recv(1 << 16)
            if not data:
                break
            received += len(data)


def drain(sock, block):
    """Completions on the error queue: (sends covered, of them copied)."""
    done = copied = 0
    while True:
        try:
            _, anc, _, _ = sock.recvmsg(0, 4096, socket.MSG_ERRQUEUE | (0 if block else socket.MSG_DONTWAIT))
        except BlockingIOError:
            return done, copied
        for _, _, data in anc:
            _, origin, _, code, _, lo, hi = struct.unpack("=IBBBBII", data[:16])
            if origin == SO_EE_ORIGIN_ZEROCOPY:
                done += hi - lo + 1
                if code & SO_EE_CODE_ZEROCOPY_COPIED:
                    copied += hi - lo + 1
        if not block:
            continue
        return done, copied


thread = threading.Thread(target=receive)
thread.start()
buf = bytes(1 << 16)
done = copied = 0
with socket.create_connection(server.getsockname()) as out:
    out.setsockopt(socket.SOL_SOCKET, SO_ZEROCOPY, 1)
    for _ in range(sends):
        out.sendall(buf, MSG_ZEROCOPY)
    if read_completions:
        while done < sends:
            d, c = drain(out, True)
            done += d
            copied += c
thread.join()
print("sends %d completions %d copied %d received %d" % (sends, done, copied, received))
