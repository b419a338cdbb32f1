/* version.h - the one version of parley's programs and formats' writer.
 *
 * parley never updates itself and never asks anyone what the latest
 * version is: this string is what was built, nothing more.
 */
#ifndef PARLEY_VERSION_H
#define PARLEY_VERSION_H

#define PARLEY_VERSION "0.4.0"

#endif
