package dev.idempotency.examples.springboot;

import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The HTTP layer. It holds no idempotency code: the {@code Idempotency-Key} header goes to the service as it is, and
 * {@link IdempotencyExceptionHandler} turns refusals into statuses.
 */
@RestController
@RequestMapping("/api")
public class TransferController {

    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private final TransferService transfers;
    private final Accounts accounts;

    public TransferController(TransferService transfers, Accounts accounts) {
        this.transfers = transfers;
        this.accounts = accounts;
    }

    /** A missing header is a null key, which the library refuses (400) before the transfer runs. */
    @PostMapping("/transfer")
    public Receipt transfer(@RequestHeader(name = IDEMPOTENCY_KEY, required = false) String idempotencyKey,
            @RequestBody TransferRequest request) {
        return transfers.transfer(idempotencyKey, request);
    }

    @GetMapping("/accounts")
    public Map<String, Long> accounts() {
        return accounts.snapshot();
    }
}
