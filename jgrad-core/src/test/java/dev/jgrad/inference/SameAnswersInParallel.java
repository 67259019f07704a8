package dev.jgrad.inference;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The thread-safety check of every predictor: each call's answer on its own, one after the other, then the same calls
 * from {@link #THREADS} threads at once (each thread going through all of them, starting at a different one, for a few
 * rounds), every answer compared with the lone one. Answers are compared with {@code equals}: Strings, Doubles (bit
 * for bit), {@link Prediction}s (bit for bit), lists of them.
 */
final class SameAnswersInParallel {
    static final int THREADS = 4;
    private static final int ROUNDS = 3;

    private SameAnswersInParallel() {}

    static <T> void check(List<Callable<T>> calls) throws Exception {
        List<T> alone = new ArrayList<>();
        for (Callable<T> c : calls) alone.add(c.call());
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<T>>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int first = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    List<T> answers = new ArrayList<>(calls.size());
                    for (int i = 0; i < calls.size(); i++) answers.add(null);
                    for (int round = 0; round < ROUNDS; round++) {
                        for (int k = 0; k < calls.size(); k++) {
                            int i = (first + k) % calls.size();
                            T answer = calls.get(i).call();
                            if (round > 0) assertEquals(answers.get(i), answer, "call " + i + " changed between rounds");
                            answers.set(i, answer);
                        }
                    }
                    return answers;
                }));
            }
            start.countDown();
            for (int t = 0; t < THREADS; t++) {
                List<T> answers = futures.get(t).get(10, TimeUnit.MINUTES);
                for (int i = 0; i < calls.size(); i++) assertEquals(alone.get(i), answers.get(i), "thread " + t + ", call " + i);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
