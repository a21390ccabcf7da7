/* version.h — the one place stoke's version is written (the CLI's --version and
 * the "stoke-version" entry every recording carries). */
#ifndef STOKE_VERSION_H
#define STOKE_VERSION_H

#define STOKE_VERSION "0.1.0"

#endif
