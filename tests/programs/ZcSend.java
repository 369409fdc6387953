// A file sent to a socket the two ways Java brokers do, for zctrace's tests
// of real programs: FileChannel.transferTo (Kafka's way) and a
// MappedByteBuffer written to a SocketChannel (RocketMQ's way). A thread of
// the same program receives and counts every byte; the count is printed.
//
//   java -cp DIR ZcSend transferTo|mapped FILE
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

public final class ZcSend {
  public static void main(String[] args) throws Exception {
    if (args.length != 2 || !(args[0].equals("transferTo") || args[0].equals("mapped"))) {
      System.err.println("usage: ZcSend transferTo|mapped FILE");
      System.exit(2);
    }
    final ServerSocketChannel server = ServerSocketChannel.open();
    server.bind(new InetSocketAddress("127.0.0.1", 0));
    final AtomicLong received = new AtomicLong();
    final Thread receiver = new Thread(() -> {
      try (SocketChannel in = server.accept()) {
        final ByteBuffer buf = ByteBuffer.allocateDirect(1 << 16);
        int n;
        while ((n = in.read(buf)) >= 0) {
          received.addAndGet(n);
          buf.clear();
        }
      } catch (IOException e) {
        throw new RuntimeException(e);
      }
    });
    receiver.start();
    long sent = 0;
    try (FileChannel file = FileChannel.open(Path.of(args[1]), StandardOpenOption.READ);
         SocketChannel out = SocketChannel.open(server.getLocalAddress())) {
      final long size = file.size();
      if (args[0].equals("transferTo")) {
        while (sent < size)
          sent += file.transferTo(sent, size - sent, out);
      } else {
        final MappedByteBuffer map = file.map(FileChannel.MapMode.READ_ONLY, 0, size);
        while (map.hasRemaining())
          sent += out.write(map);
      }
    }
    receiver.join();
    server.close();
    System.out.println("sent " + sent + " received " + received.get());
  }
}
