package dev.jgrad.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The FLOP counts against sums done by hand from the peer's shapes. */
class FlopCountsTest {

    @Test
    void charLstmPerTokenIsTwoLayersOfGatesAndTheOutputLayer() {
        // layer 1: 2 * 4*512 * (64 + 512) = 2,359,296; layer 2: 2 * 4*512 * (512 + 512) = 4,194,304; output 2 * 512 * 65 = 66,560
        assertEquals(6_620_160, FlopCounts.charLstmForwardPerToken(65, 64, 512, 2));
        assertEquals(3 * 6_620_160, new LstmLmTrainWorkload().flopsPerUnit());
        assertEquals(6_620_160, new LstmInferWorkload().flopsPerUnit());
    }

    @Test
    void resnet18CifarIsAboutOnePointOneGigaflopsPerImage() {
        // stem 2*3*64*9*32*32 = 3,538,944; stage 1: 4 * 2*64*64*9*32*32 = 301,989,888; stages 2-4 each
        // 2*cin*c*9*s*s + 3 * 2*c*c*9*s*s + 2*cin*c*s*s = 37,748,736 + 226,492,416 + 4,194,304 = 268,435,456; fc 2*512*10
        double expected = 3_538_944 + 301_989_888 + 3 * 268_435_456.0 + 10_240;
        assertEquals(expected, FlopCounts.resnet18CifarForwardPerImage(32, 32, 10));
        assertEquals(1_110_845_440, expected);
    }

    @Test
    void transformerPerTargetTokenAddsEncoderDecoderAndProjection() {
        // per sentence pair, s = t = 24, d = 256, ff = 1024, vocab 8000:
        // encoder layer 8*24*256^2 + 4*24^2*256 + 4*24*256*1024 = 38,338,560 (x3)
        // decoder layer: self 13,172,736 + cross 4*24*256^2 + 4*24*256^2 + 4*24*24*256 = 13,172,736, ff 25,165,824 (x3)
        // projection 24 * 2*256*8000 = 98,304,000
        double pair = 3 * 38_338_560.0 + 3 * (13_172_736.0 + 13_172_736 + 25_165_824) + 98_304_000;
        assertEquals(pair, FlopCounts.transformerForward(FlopCounts.TransformerShape.PEER, 24, 24, 24));
        assertEquals(3 * pair / 24, new TransformerTrainWorkload().flopsPerUnit(), 1e-6);
    }

    @Test
    void uncachedDecodingRecomputesThePrefixAtEveryStep() {
        FlopCounts.TransformerShape shape = FlopCounts.TransformerShape.PEER;
        double oneStep = FlopCounts.uncachedGreedyDecode(shape, 24, 1);
        // one step: the encoder, the decoder on one position, one projection
        assertEquals(3 * FlopCounts.encoderLayerForward(256, 1024, 24) + 3 * FlopCounts.decoderLayerForward(256, 1024, 1, 24)
                + 2.0 * 256 * 8000, oneStep);
        double twoSteps = FlopCounts.uncachedGreedyDecode(shape, 24, 2);
        assertEquals(oneStep + 3 * FlopCounts.decoderLayerForward(256, 1024, 2, 24) + 2.0 * 256 * 8000, twoSteps);
    }

    @Test
    void gflopsAndPercentOfPeakFollowFromTheMetric() {
        FlopRate rate = new FlopRate(new Metric("lstm_lm_train", 5000, "tokens/s"), 2e7);
        assertEquals(100, rate.gflops(), 1e-9);
        FmaPeak.Result peak = new FmaPeak.Result(400, 2, 512, 16, 1f);
        assertEquals(25, peak.percent(rate.gflops()), 1e-9);
        assertEquals("lstm_lm_train: 20.00 MFLOP per token x 5000.0 tokens/s = 100.0 GFLOP/s, 25.0% of the FMA peak"
                + " (400.0 GFLOP/s on 2 threads, 512-bit vectors)", rate.describe(peak));
        assertEquals("sgemm_N512: 206.0 GFLOP/s, FMA peak not measured",
                new FlopRate(new Metric("sgemm_N512", 206, "GFLOP/s"), 1e9).describe(null));
    }
}
