package dev.idempotency.examples.starter;

import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The HTTP layer, with no idempotency code: the filter reads the key header, and the starter answers refusals with
 * problem details (400, 409 + Retry-After, 422, 503 + Retry-After).
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

    @PostMapping("/transfers")
    public Receipt transfer(@RequestBody TransferRequest request) {
        return transfers.transfer(request);
    }

    @GetMapping("/accounts")
    public Map<String, Long> accounts() {
        return accounts.snapshot();
    }
}
