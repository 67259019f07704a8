package dev.jgrad.train;

/**
 * How a fit ended.
 *
 * @param reason    why it returned
 * @param step      steps done (over the whole run, sessions before a resume included)
 * @param stepsThisSession steps done by this fit
 * @param seconds   wall time of this fit's training, evaluations included
 * @param last      the last evaluation, or null if there was none
 * @param best      the best evaluation by the monitored metric, or null
 * @param losses    the training loss of every step of the run
 */
public record FitResult(StopReason reason, long step, long stepsThisSession, double seconds, Evaluation last, Evaluation best, LossHistory losses) {
    /**
     * True if the run did not reach its end and can be resumed (stopAt, time limit).
     *
     * @return whether {@link #reason()} is {@link StopReason#STOP_AT} or {@link StopReason#TIME_LIMIT}
     */
    public boolean interrupted() {
        return reason == StopReason.STOP_AT || reason == StopReason.TIME_LIMIT;
    }
}
