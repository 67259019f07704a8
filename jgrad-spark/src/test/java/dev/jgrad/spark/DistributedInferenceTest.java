package dev.jgrad.spark;

import dev.jgrad.inference.TranslateOptions;
import dev.jgrad.inference.Translator;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.jgrad.spark.Fixtures.jgrad;
import static dev.jgrad.spark.Fixtures.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Translation over Spark in local[2]: the Java API and {@code jgrad translate --spark}, and their errors. */
class DistributedInferenceTest {
    static SparkConnector.Connection spark;
    static JavaSparkContext sc;
    static Path model;
    static List<String> english;
    static List<String> expected;

    @BeforeAll
    static void start() throws IOException {
        model = Fixtures.translationModel();
        english = Fixtures.sentences(70, 7, false);
        english.set(5, "");
        expected = Translator.load(model).translate(english, TranslateOptions.greedy());
        spark = SparkConnector.open("local[2]", "jgrad tests", SparkConnector.DEFAULT_TIMEOUT, List.of());
        sc = JavaSparkContext.fromSparkContext(spark.session().sparkContext());
    }

    @AfterAll
    static void stop() {
        spark.close();
    }

    @Test
    void aDatasetGetsATranslationColumnInTheRowsOrder() {
        SparkSession s = spark.session();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < english.size(); i++) rows.add(RowFactory.create(i, i == 9 ? null : english.get(i)));
        StructType schema = new StructType().add("id", DataTypes.IntegerType).add("en", DataTypes.StringType);
        Dataset<Row> df = s.createDataFrame(sc.parallelize(rows, 3), schema);
        List<Row> out = JgradSpark.translate(df, "en", ModelSource.path(model), TranslateOptions.greedy()).collectAsList();
        assertEquals(english.size(), out.size());
        for (int i = 0; i < out.size(); i++) {
            assertEquals(i, out.get(i).getInt(0));
            if (i == 9) assertNull(out.get(i).getString(2));
            else assertEquals(expected.get(i), out.get(i).getString(2), "row " + i);
        }
        var e = assertThrows(IllegalArgumentException.class, () -> JgradSpark.translate(df, "de", model));
        assertTrue(e.getMessage().contains("no column 'de'"), e.getMessage());
    }

    @Test
    void anRddOfSentencesTranslatesWithTheModelShippedFromTheDriver() throws IOException {
        JavaRDD<String> in = sc.parallelize(english, 4);
        assertEquals(expected, JgradSpark.translate(in, ModelSource.shipped(sc, model), TranslateOptions.greedy()).collect());
    }

    @Test
    void theCommandLineOnSparkWritesWhatOneMachineWrites() throws IOException {
        Path dir = Fixtures.dir();
        Path in = dir.resolve("big.en"), one = dir.resolve("one.de"), many = dir.resolve("many.de");
        Files.write(in, english, StandardCharsets.UTF_8);
        ok(jgrad("translate", "--checkpoint", model.toString(), "--input", in.toString(), "--out", one.toString()));
        ok(jgrad("translate", "--checkpoint", model.toString(), "--input", in.toString(), "--out", many.toString(), "--spark", "local[2]"));
        assertEquals(Files.readAllLines(one), Files.readAllLines(many));
        assertEquals(english.size(), Files.readAllLines(many).size());
    }

    @Test
    void aCheckpointExecutorsCannotReadIsOneErrorNamingIt() {
        Path nowhere = model.resolveSibling("nowhere");
        JavaRDD<String> in = sc.parallelize(english, 2);
        Exception e = assertThrows(Exception.class,
                () -> JgradSpark.translate(in, ModelSource.path(nowhere), TranslateOptions.greedy()).collect());
        RuntimeException shown = SparkErrors.userError(e);
        assertTrue(shown instanceof CheckpointUnreadableException, shown.toString());
        assertTrue(shown.getMessage().contains("executors cannot read the checkpoint " + nowhere), shown.getMessage());
    }

    @Test
    void aCorruptLineIsNamedByFileAndLine() throws IOException {
        Path bad = Fixtures.dir().resolve("corrupt.en");
        List<String> lines = new ArrayList<>(english.subList(0, 40));
        Files.write(bad, lines, StandardCharsets.UTF_8);
        byte[] bytes = Files.readAllBytes(bad);
        // Line 33 gets a byte that is not UTF-8.
        int at = 0;
        for (int line = 1; line < 33; at++) if (bytes[at] == '\n') line++;
        bytes[at] = (byte) 0xff;
        Files.write(bad, bytes);
        Fixtures.Result r = jgrad("translate", "--checkpoint", model.toString(), "--input", bad.toString(), "--spark", "local[2]");
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains(bad + ":33: not valid UTF-8"), r.err());
        assertTrue(r.err().lines().count() <= 2, r.err());
    }

    @Test
    void aMasterThatDoesNotAnswerFailsQuicklyWithItsAddress() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        long t0 = System.nanoTime();
        Fixtures.Result r = jgrad("translate", "--checkpoint", model.toString(), "--input", model.resolve("bpe.txt").toString(),
                "--spark", "spark://127.0.0.1:" + port);
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("the Spark master spark://127.0.0.1:" + port + " does not answer"), r.err());
        assertTrue((System.nanoTime() - t0) / 1e9 < 15, "took too long");
    }
}
