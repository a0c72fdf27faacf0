/*
 * atomicfile: replace a small file (state, drift, secrets, generated
 * configuration) so that a crash or a power cut leaves either the old
 * contents or the new ones, never half of either, and never anything
 * written through a link someone planted.
 *
 * A temporary file is made next to the target with mkstemp(3) (a new file,
 * never an existing one or a symbolic link), given `mode` whatever the
 * umask, filled and fsync'd, then renamed over the target; the directory is
 * fsync'd too, so that the rename itself survives (file systems that cannot
 * sync a directory are let off).  On failure the temporary file is removed,
 * the target is untouched, err says "path: reason" and errno is kept.
 */
#ifndef OUTPOST_ATOMICFILE_H
#define OUTPOST_ATOMICFILE_H

#include <stddef.h>
#include <sys/types.h>

int atomicfile_write(const char *path, const void *data, size_t len, mode_t mode, char *err,
    size_t errlen);

/* The same rename, without the two fsyncs: for a file rewritten every few
 * seconds whose loss in a power cut costs nothing (metrics for
 * node_exporter), where syncing would only wear an SD card.  A reader still
 * sees the old contents or the new, whole. */
int atomicfile_write_nosync(const char *path, const void *data, size_t len, mode_t mode,
    char *err, size_t errlen);

#endif
