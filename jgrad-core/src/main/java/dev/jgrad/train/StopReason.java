package dev.jgrad.train;

/** Why {@link Trainer#fit} returned. */
public enum StopReason {
    /** Every step of the run is done. */
    COMPLETED,
    /** The run directory's checkpoint had done every step already; nothing was trained. */
    ALREADY_COMPLETE,
    /** Stopped at {@link TrainerOptions#stopAt()}, checkpointed, to be resumed. */
    STOP_AT,
    /** Stopped at {@link TrainerOptions#timeLimit()}, checkpointed, to be resumed. */
    TIME_LIMIT,
    /** The monitored metric did not improve for {@link TrainerOptions#patience()} evaluations. */
    EARLY_STOPPING
}
