package dev.idempotency.benchmarks.peer;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.reflect.Method;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.expression.Expression;
import org.springframework.expression.ExpressionParser;
import org.springframework.expression.spel.standard.SpelExpression;

/**
 * The peer: what the popular Spring Boot idempotency starters do around a {@link PeerIdempotent} method, built from
 * Spring's and Jackson's own classes, so that the library's figures can be read against it. Per call:
 *
 * <ol>
 *   <li>the key: the method's SpEL expression (parsed once per method and kept, as Spring's own
 *       {@code CachedExpressionEvaluator} does) evaluated in a new {@link MethodBasedEvaluationContext}, which exposes
 *       the arguments as variables by parameter name;</li>
 *   <li>the fingerprint: SHA-256, in hex, of the arguments written as Jackson JSON;</li>
 *   <li>the claim: {@code putIfAbsent} of an in-progress record; when a record is there, its fingerprint is compared
 *       and its result, kept as a JSON string, decoded to the method's return type: the replay;</li>
 *   <li>otherwise the method runs, and its result is written as JSON into the record (or the claim is removed when it
 *       throws).</li>
 * </ol>
 *
 * Whether the key expression runs interpreted or compiled to bytecode is the parser's configuration
 * ({@code SpelParserConfiguration} with {@code SpelCompilerMode.IMMEDIATE}).
 */
public final class PeerIdempotencyInterceptor implements MethodInterceptor {

    private static final HexFormat HEX = HexFormat.of();

    private final ExpressionParser parser;
    private final ObjectMapper mapper;
    private final PeerRecords records;
    private final ParameterNameDiscoverer parameterNames = new DefaultParameterNameDiscoverer();
    private final Map<Method, Plan> plans = new ConcurrentHashMap<>();

    /** What is worked out once per method: the parsed key expression and the return type Jackson decodes to. */
    private record Plan(Expression key, JavaType returnType) {
    }

    public PeerIdempotencyInterceptor(ExpressionParser parser, ObjectMapper mapper, PeerRecords records) {
        this.parser = parser;
        this.mapper = mapper;
        this.records = records;
    }

    @Override
    public Object invoke(MethodInvocation invocation) throws Throwable {
        Method method = invocation.getMethod();
        Plan plan = plans.computeIfAbsent(method, this::plan);
        Object[] args = invocation.getArguments();
        String key = plan.key.getValue(
                new MethodBasedEvaluationContext(invocation.getThis(), method, args, parameterNames), String.class);
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("the idempotency key of " + method + " is empty");
        }
        String fingerprint = HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(mapper.writeValueAsBytes(args)));
        PeerRecords.StoredCall claim = new PeerRecords.StoredCall(fingerprint, null);
        PeerRecords.StoredCall existing = records.putIfAbsent(key, claim);
        if (existing != null) {
            if (!existing.fingerprint().equals(fingerprint)) {
                throw new IllegalStateException("idempotency key " + key + " was used with a different request");
            }
            if (existing.resultJson() == null) {
                throw new IllegalStateException("a request with idempotency key " + key + " is in progress");
            }
            return mapper.readValue(existing.resultJson(), plan.returnType);
        }
        Object result;
        try {
            result = invocation.proceed();
        } catch (Throwable t) {
            records.remove(key, claim);
            throw t;
        }
        records.put(key, new PeerRecords.StoredCall(fingerprint, mapper.writeValueAsString(result)));
        return result;
    }

    /**
     * A CGLIB proxy of {@code target} (Spring Boot proxies classes by default) whose {@link PeerIdempotent} methods go
     * through this interceptor, by an advisor with an annotation pointcut as the starters register it.
     */
    @SuppressWarnings("unchecked")
    public <T> T proxy(T target) {
        ProxyFactory factory = new ProxyFactory(target);
        factory.setProxyTargetClass(true);
        factory.addAdvisor(new DefaultPointcutAdvisor(
                AnnotationMatchingPointcut.forMethodAnnotation(PeerIdempotent.class), this));
        return (T) factory.getProxy();
    }

    /**
     * Whether {@code method}'s key expression runs as compiled bytecode now. Only for a parser that compiles: on an
     * interpreting one, asking compiles it.
     */
    public boolean keyCompiled(Method method) {
        Plan plan = plans.get(method);
        return plan != null && plan.key instanceof SpelExpression spel && spel.compileExpression();
    }

    private Plan plan(Method method) {
        PeerIdempotent annotation = AnnotatedElementUtils.findMergedAnnotation(method, PeerIdempotent.class);
        if (annotation == null) {
            throw new IllegalStateException(method + " is not annotated @PeerIdempotent");
        }
        return new Plan(parser.parseExpression(annotation.key()),
                mapper.getTypeFactory().constructType(method.getGenericReturnType()));
    }
}
