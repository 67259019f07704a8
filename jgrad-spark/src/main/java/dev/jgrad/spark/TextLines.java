package dev.jgrad.spark;

import dev.jgrad.data.DataFormatException;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapred.TextInputFormat;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import scala.Tuple2;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A UTF-8 text file (plain, or gzip by its .gz name) as an RDD of its lines, in order, read by the executors in
 * splits. Each line is decoded strictly: a line that is not valid UTF-8 fails the job with an error naming the file
 * and the line (counted over the whole file), as the single-machine reader does.
 */
public final class TextLines {
    private TextLines() {}

    /**
     * The lines of {@code file}, which the driver and every executor must be able to read.
     *
     * @param minPartitions the least number of splits to read it in (a gzip file is one)
     * @throws NoSuchFileException if the driver finds no such file
     */
    public static JavaRDD<String> read(JavaSparkContext sc, Path file, int minPartitions) throws IOException {
        if (!Files.isRegularFile(file)) throw new NoSuchFileException(file.toString(), null, "text file not found");
        String name = file.toString();
        JavaRDD<byte[]> raw = sc.hadoopFile(file.toAbsolutePath().toUri().toString(), TextInputFormat.class, LongWritable.class, Text.class, minPartitions)
                .map(kv -> kv._2().copyBytes());
        return raw.zipWithIndex().mapPartitions(lines -> decode(lines, name), true);
    }

    private static Iterator<String> decode(Iterator<Tuple2<byte[], Long>> lines, String file) throws DataFormatException {
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        List<String> out = new ArrayList<>();
        while (lines.hasNext()) {
            Tuple2<byte[], Long> line = lines.next();
            String s;
            try {
                s = decoder.decode(ByteBuffer.wrap(line._1())).toString();
            } catch (CharacterCodingException e) {
                throw new DataFormatException(Path.of(file), (int) (line._2() + 1), "not valid UTF-8 text (" + e.getMessage() + ")");
            }
            if (line._2() == 0 && s.startsWith("\uFEFF")) s = s.substring(1); // a byte-order mark is not part of the first line
            out.add(s);
        }
        return out.iterator();
    }
}
