/**
 * Internal test infrastructure of this project, with no compatibility promise: an example application's executable
 * jar run in a JVM of its own, for this project's end-to-end tests. It may change or go away in any release. Not part
 * of the published Javadoc.
 */
package dev.idempotency.testkit.process;
