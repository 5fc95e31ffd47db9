/**
 * The cluster's domain on the store: machines, units, the schedule, unit states and engine
 * leadership, stored as JSON under one root prefix with the key layout of docs/key-layout.md.
 *
 * <p>Entry point: {@link dev.flotilla.registry.Registry}. The engine reads a
 * {@link dev.flotilla.registry.RegistrySnapshot}, follows {@link dev.flotilla.registry.RegistryEvent}s
 * from {@link dev.flotilla.registry.Registry#watch}, and applies plans with compare-and-set through
 * {@link dev.flotilla.registry.Schedule#apply(java.util.List, dev.flotilla.registry.Leadership)}.
 * An agent reads its {@link dev.flotilla.registry.MachineView} and follows
 * {@link dev.flotilla.registry.Registry#watchMachine}, registers its machine and publishes unit
 * states on its lease ({@link dev.flotilla.registry.Machines}, {@link dev.flotilla.registry.UnitStates}).
 *
 * <p>Writes that would change nothing are not made, so an idle cluster writes nothing but lease
 * keep-alives. Store failures surface as {@link dev.flotilla.store.StoreException}; domain
 * refusals as {@link dev.flotilla.registry.RegistryException}. Records are immutable; the
 * registry's classes are thread-safe.
 */
package dev.flotilla.registry;
