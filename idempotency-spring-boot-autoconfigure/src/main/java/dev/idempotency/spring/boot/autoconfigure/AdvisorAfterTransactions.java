package dev.idempotency.spring.boot.autoconfigure;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.core.Ordered;

/**
 * Puts the idempotency advisor's definition last, once every configuration class is read. Spring's transaction
 * advisor has the same (lowest) order, and advisors of equal order apply in the order of their definitions: last means
 * innermost, so the claim is made inside the {@code @Transactional} method's transaction, on its connection. Without
 * this, the result would hang on the order in which configuration classes happen to be processed (an
 * {@code @ImportAutoConfiguration} or a test slice that imports this auto-configuration before the transaction one
 * would put the claim outside the transaction).
 */
final class AdvisorAfterTransactions implements BeanDefinitionRegistryPostProcessor, Ordered {

    static final String ADVISOR = "idempotentMethodAdvisor";

    @Override
    public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) throws BeansException {
        if (registry.containsBeanDefinition(ADVISOR)) {
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
