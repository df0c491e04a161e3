package dev.idempotency.servlet;

import jakarta.servlet.ServletContainerInitializer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The real servers the filter is tested on. Each is given the same {@link ServletContainerInitializer}, so filters and
 * servlets are registered through the standard {@code ServletContext} API, as an application registers them.
 */
enum Container {
    TOMCAT {
        @Override
        Running start(ServletContainerInitializer app, int workerThreads) throws Exception {
            Path base = Files.createTempDirectory("tomcat");
            Tomcat tomcat = new Tomcat();
            tomcat.setBaseDir(base.toString());
            Connector connector = new Connector();
            connector.setPort(0);
            connector.setProperty("address", "127.0.0.1");
            connector.setProperty("maxThreads", Integer.toString(workerThreads));
            connector.setProperty("minSpareThreads", Integer.toString(Math.min(workerThreads, 4)));
            tomcat.setConnector(connector);
            Context context = tomcat.addContext("", base.toString());
            context.addServletContainerInitializer(app, Set.of());
            tomcat.start();
            URI uri = URI.create("http://127.0.0.1:" + connector.getLocalPort());
            return new Running(uri, () -> {
                tomcat.stop();
                tomcat.destroy();
            });
        }
    },
    JETTY {
        @Override
        Running start(ServletContainerInitializer app, int workerThreads) throws Exception {
            // one acceptor and one selector are leased from the pool; the rest runs requests
            QueuedThreadPool pool = new QueuedThreadPool(workerThreads + 2, 1);
            pool.setReservedThreads(0);
            pool.setName("jetty");
            Server server = new Server(pool);
            ServerConnector connector = new ServerConnector(server, 1, 1);
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            server.addConnector(connector);
            ServletContextHandler context = new ServletContextHandler("/");
            context.addServletContainerInitializer(app);
            server.setHandler(context);
            server.start();
            URI uri = URI.create("http://127.0.0.1:" + connector.getLocalPort());
            return new Running(uri, server::stop);
        }
    };

    abstract Running start(ServletContainerInitializer app, int workerThreads) throws Exception;

    interface Stop {
        void stop() throws Exception;
    }

    record Running(URI base, Stop stop) implements AutoCloseable {
        URI uri(String path) {
            return base.resolve(path);
        }

        @Override
        public void close() {
            try {
                stop.stop();
            } catch (Exception e) {
                throw new IllegalStateException("could not stop the server at " + base, e);
            }
        }
    }
}
