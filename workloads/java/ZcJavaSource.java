// The source side of zctrace's Java methods: sends a file to a socket the
// two ways Java brokers do, FileChannel.transferTo (Kafka's way) or a
// MappedByteBuffer written with SocketChannel.write (RocketMQ's way), at most
// CHUNK bytes per call, and prints what it sent. zctrace runs it in a JVM
// of Debian's OpenJDK, traced as the source, and reads that line.
//
//   java -cp DIR ZcJavaSource transferTo|mapped FILE ADDRESS PORT CHUNK
import java.net.InetSocketAddress;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

public final class ZcJavaSource {
  public static void main(String[] args) throws Exception {
    if (args.length != 5 || !(args[0].equals("transferTo") || args[0].equals("mapped"))) {
      System.err.println("usage: ZcJavaSource transferTo|mapped FILE ADDRESS PORT CHUNK");
      System.exit(2);
    }
    final long chunk = Long.parseLong(args[4]);
    long sent = 0;
    try (FileChannel file = FileChannel.open(Path.of(args[1]), StandardOpenOption.READ);
        SocketChannel out =
            SocketChannel.open(new InetSocketAddress(args[2], Integer.parseInt(args[3])))) {
      final long size = file.size();
      if (args[0].equals("transferTo")) {
        while (sent < size)
          sent += file.transferTo(sent, Math.min(chunk, size - sent), out);
      } else {
        final MappedByteBuffer map = file.map(FileChannel.MapMode.READ_ONLY, 0, size);
        while (map.hasRemaining()) {
          map.limit((int) Math.min(size, map.position() + chunk));
          sent += out.write(map);
          map.limit((int) size);
        }
      }
    }
    System.out.println("sent " + sent);
  }
}
