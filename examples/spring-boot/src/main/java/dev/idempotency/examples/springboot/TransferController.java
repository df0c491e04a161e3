package dev.idempotency.examples.springboot;

import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The HTTP layer. It holds no idempotency code: the service reads the {@code Idempotency-Key} header itself, and the
 * agent answers refusals (400, 409, 422, 503) and marks replays.
 */
@RestController
@RequestMapping("/api")
public class TransferController {

    private final TransferService transfers;
    private final Accounts accounts;

    public TransferController(TransferService transfers, Accounts accounts) {
        this.transfers = transfers;
        this.accounts = accounts;
    }

    @PostMapping("/transfer")
    public Receipt transfer(@RequestBody TransferRequest request) {
        return transfers.transfer(request);
    }

    @GetMapping("/accounts")
    public Map<String, Long> accounts() {
        return accounts.snapshot();
    }
}
