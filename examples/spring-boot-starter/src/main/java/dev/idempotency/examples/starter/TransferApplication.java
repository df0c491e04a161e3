package dev.idempotency.examples.starter;

import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * A transfer service made idempotent by the Spring Boot starter alone: no agent on the command line, no AspectJ in the
 * build. {@code @Idempotent} on {@link TransferService#transfer} is all the idempotency code there is.
 */
@SpringBootApplication
public class TransferApplication {

    public static void main(String[] args) {
        SpringApplication.run(TransferApplication.class, args);
    }

    /** Three accounts to play with. */
    @Bean
    ApplicationRunner demoAccounts(Accounts accounts) {
        return args -> {
            accounts.open("alice", 1_000);
            accounts.open("bob", 1_000);
            accounts.open("carol", 1_000);
        };
    }
}
