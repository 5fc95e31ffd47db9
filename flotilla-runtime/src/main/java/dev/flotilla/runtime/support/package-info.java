/**
 * What the runtimes that keep their units in a state directory share, so that each piece is written
 * once: {@link dev.flotilla.runtime.support.StateDirectoryRuntime} (units by name, one directory each,
 * adoption, listeners, the closed flag), {@link dev.flotilla.runtime.support.UnitJournal} (a unit's
 * size-bounded journal with rotation, tail and followers) and {@link
 * dev.flotilla.runtime.support.RecordFiles} (atomic writes and the common properties of a unit's record).
 * Used by the exec runtime ({@code dev.flotilla.runtime.exec}) and the Docker runtime ({@code
 * dev.flotilla.runtime.docker}); not part of the {@link dev.flotilla.runtime.Runtime} SPI itself.
 */
package dev.flotilla.runtime.support;
