package dev.idempotency.spring.boot.autoconfigure;

import org.springframework.aop.config.AopConfigUtils;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.core.Ordered;

/**
 * Sees that the idempotency advisor is applied, and applied inside the transaction, once every configuration class is
 * read:
 *
 * <ul>
 *   <li>An auto-proxy creator exists: Spring Boot registers one only with AspectJ's weaver on the class path or with
 *       {@code spring.aop.proxy-target-class=true}; otherwise it is left to {@code @EnableTransactionManagement} and
 *       the like. Registered as those do ({@link AopConfigUtils#registerAutoProxyCreatorIfNecessary}), it gives way
 *       to any more capable one.</li>
 *   <li>The advisor's definition comes last. Spring's transaction advisor has the same (lowest) order, and advisors of
 *       equal order apply in the order of their definitions: last means innermost, so the claim is made inside the
 *       {@code @Transactional} method's transaction, on its connection, whatever order the configuration classes
 *       were processed in (an {@code @ImportAutoConfiguration} may well import this one first).</li>
 * </ul>
 */
final class AdvisorPlacement implements BeanDefinitionRegistryPostProcessor, Ordered {

    static final String ADVISOR = "idempotentMethodAdvisor";

    @Override
    public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) throws BeansException {
        if (registry.containsBeanDefinition(ADVISOR)) {
            AopConfigUtils.registerAutoProxyCreatorIfNecessary(registry);
            BeanDefinition definition = registry.getBeanDefinition(ADVISOR);
            registry.removeBeanDefinition(ADVISOR);
            registry.registerBeanDefinition(ADVISOR, definition);
        }
    }

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
