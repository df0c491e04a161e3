package dev.idempotency.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.core.Idempotency;
import dev.idempotency.core.IdempotencyEvent;
import dev.idempotency.spring.boot.autoconfigure.woven.WovenTransfers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** The third way in: a Spring AOP advisor over the engine, and never on top of woven code. */
@ExtendWith(OutputCaptureExtension.class)
class AdvisorTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, IdempotencyAutoConfiguration.class))
            .withBean(Recorder.class);

    @Test
    void aPlainBeansAnnotatedMethodRunsOncePerKeyThroughTheAdvisor() throws Exception {
        runner.withBean(Transfers.class).run(context -> {
            Transfers transfers = context.getBean(Transfers.class);
            assertThat(AopUtils.isAopProxy(transfers)).isTrue();
            assertThat(Idempotency.isProtected(Transfers.class.getMethod("transfer", String.class, long.class)))
                    .as("neither woven nor instrumented").isFalse();

            String first = transfers.transfer("t-1", 500);
            assertThat(transfers.transfer("t-1", 500)).isEqualTo(first);
            assertThat(transfers.runs()).isEqualTo(1);
            assertThat(context.getBean(Recorder.class).types())
                    .containsExactly(IdempotencyEvent.Type.EXECUTED, IdempotencyEvent.Type.REPLAYED);
            assertThat(context.getBean(Recorder.class).events.get(0).namespace()).isEqualTo("test.transfer");
        });
    }

    @Test
    void throughAJdkProxyTheClassesAnnotationCounts() {
        runner.withBean(InterfaceTransfers.class).withPropertyValues("spring.aop.proxy-target-class=false")
                .run(context -> {
                    TransferApi transfers = context.getBean(TransferApi.class);
                    assertThat(AopUtils.isJdkDynamicProxy(transfers)).isTrue();
                    String first = transfers.transfer("i-1", 5);
                    assertThat(transfers.transfer("i-1", 5)).isEqualTo(first);
                    assertThat(transfers.runs()).isEqualTo(1);
                    assertThat(context.getBean(Recorder.class).events.get(0).namespace()).isEqualTo("test.interface");
                });
    }

    @Test
    void aWovenClassIsNeverAdvisedASecondTime() throws Exception {
        assertThat(Idempotency.isProtected(WovenTransfers.class.getMethod("transfer", String.class, long.class)))
                .as("the test build weaves it").isTrue();
        runner.withBean(WovenTransfers.class).run(context -> {
            WovenTransfers transfers = context.getBean(WovenTransfers.class);
            assertThat(AopUtils.isAopProxy(transfers)).as("nothing left to advise").isFalse();

            String first = transfers.transfer("w-1", 500);
            assertThat(transfers.transfer("w-1", 500)).isEqualTo(first);
            assertThat(transfers.runs).hasValue(1);
            // one claim per call: a second layer would claim the key inside the first one's claim
            assertThat(context.getBean(Recorder.class).types())
                    .containsExactly(IdempotencyEvent.Type.EXECUTED, IdempotencyEvent.Type.REPLAYED);
        });
    }

    @Test
    void unreachableMethodsAreNamedInOneWarningAtStartUp(CapturedOutput output) {
        runner.withBean(Unreachable.class).withBean(Unreachable.Final.class).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(UnreachableMethodsReport.class).unreachable()).containsExactlyInAnyOrder(
                    "Unreachable.sealed(String) (final)", "Unreachable.hidden(String) (private)",
                    "Unreachable.Final.pay(String) (final class)");
        });
        String log = output.getAll();
        assertThat(log).containsOnlyOnce("cannot be reached by a Spring AOP proxy");
        assertThat(log).contains("Unreachable.hidden(String) (private)").contains("-javaagent");
    }

    @Test
    void withoutSpringBootsAopConfigurationTheStarterBringsAnAutoProxyCreator() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(IdempotencyAutoConfiguration.class))
                .withBean(Transfers.class).run(context -> {
                    Transfers transfers = context.getBean(Transfers.class);
                    assertThat(AopUtils.isAopProxy(transfers)).isTrue();
                    transfers.transfer("t-3", 1);
                    transfers.transfer("t-3", 1);
                    assertThat(transfers.runs()).isEqualTo(1);
                });
    }

    @Test
    void theAdvisorCanBeSwitchedOff() {
        runner.withBean(Transfers.class).withPropertyValues("idempotency.aop.enabled=false").run(context -> {
            Transfers transfers = context.getBean(Transfers.class);
            assertThat(AopUtils.isAopProxy(transfers)).isFalse();
            transfers.transfer("t-2", 1);
            transfers.transfer("t-2", 1);
            assertThat(transfers.runs()).isEqualTo(2);
        });
    }
}
