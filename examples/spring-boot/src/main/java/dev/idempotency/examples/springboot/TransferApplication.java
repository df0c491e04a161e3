package dev.idempotency.examples.springboot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A transfer service made idempotent by the javaagent. Nothing here knows about idempotency but the
 * {@code @Idempotent} annotation on {@link TransferService#transfer} and the exception handler:
 *
 * <pre>java -javaagent:idempotency-agent.jar -jar idempotency-example-spring-boot.jar</pre>
 */
@SpringBootApplication
public class TransferApplication {

    public static void main(String[] args) {
        SpringApplication.run(TransferApplication.class, args);
    }
}
