# socket.sendfile of a file to a socket of the same program, which a thread
# receives and counts; prints "sent N received M". For zctrace's tests of
# real programs.
import socket
import sys
import threading

path = sys.argv[1]
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


thread = threading.Thread(target=receive)
thread.start()
with socket.create_connection(server.getsockname()) as out, open(path, "rb") as f:
    sent = out.sendfile(f)
thread.join()
print("sent %d received %d" % (sent, received))
