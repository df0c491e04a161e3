/**
 * Internal test infrastructure of this project, with no compatibility promise: crash runs in which child JVMs call
 * idempotent methods while the store is crashed and brought back, used by this project's store and agent modules. It
 * may change or go away in any release. Not part of the published Javadoc.
 */
package dev.idempotency.testkit.crash;
