package io.onepanel.workflow.artifact.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.onepanel.workflow.artifact.ProgressMeter;
import io.onepanel.workflow.artifact.TransferListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Transfers that never finish end: at the stall limit when nothing moves, at the total limit when bytes trickle. */
@Timeout(value = 1, unit = TimeUnit.MINUTES) // a hang guard only
class ParallelTransfersTest {

    @Test
    void aTransferThatTricklesForeverIsCancelledAtTheTotalLimit() throws Exception {
        ProgressMeter meter = new ProgressMeter(TransferListener.NONE, "model", -1, 1);
        meter.start();
        CompletableFuture<Void> never = new CompletableFuture<>();
        Thread trickle = new Thread(() -> {
            while (!never.isDone()) {
                meter.addBytes(1);
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        trickle.start();

        Throwable failure = new ParallelTransfers(4, Duration.ofSeconds(30), Duration.ofSeconds(1))
                .run(List.of("one"), item -> never, meter, () -> { });

        assertThat(failure).hasMessage("not finished within 1 s (the limit of one transfer)");
        assertThat(never).isCancelled();
        trickle.join();
    }

    @Test
    void aTransferDuringWhichNothingMovesIsCancelledAtTheStallLimit() {
        ProgressMeter meter = new ProgressMeter(TransferListener.NONE, "model", -1, 1);
        meter.start();
        CompletableFuture<Void> never = new CompletableFuture<>();

        Throwable failure = new ParallelTransfers(4, Duration.ofSeconds(1), Duration.ofHours(1))
                .run(List.of("one"), item -> never, meter, () -> { });

        assertThat(failure).hasMessage("no data moved for 1 s, the endpoint stopped answering");
        assertThat(never).isCancelled();
    }
}
