package dev.idempotency.testapp;

import dev.idempotency.Idempotent;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

/** A plain servlet with no idempotency code, over a service whose key is the request's header. */
public final class PayServlet extends HttpServlet {

    public final Payments payments = new Payments();

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String answer = payments.pay(new String(request.getInputStream().readAllBytes()));
        response.setContentType("text/plain");
        response.getWriter().write(answer);
    }

    /** The application's service: only a bound request gives it a key. */
    public static final class Payments {
        public final AtomicInteger runs = new AtomicInteger();

        @Idempotent(key = "#headers['Idempotency-Key']")
        public String pay(String amount) {
            return "paid " + amount + " #" + runs.incrementAndGet();
        }
    }
}
