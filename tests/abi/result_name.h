/* For the signal and timer programs: a raw call's result as "ok" or the
 * name of its errno, the same on every machine. */
#ifndef RESULT_NAME_H
#define RESULT_NAME_H

#include <errno.h>

static const char *res(long r)
{
	if (r >= 0)
		return "ok";
	switch (errno) {
	case EINVAL:
		return "EINVAL";
	case EFAULT:
		return "EFAULT";
	case EAGAIN:
		return "EAGAIN";
	case EINTR:
		return "EINTR";
	case ESRCH:
		return "ESRCH";
	case EPERM:
		return "EPERM";
	case ETIMEDOUT:
		return "ETIMEDOUT";
	case EOPNOTSUPP:
		return "EOPNOTSUPP";
	default:
		return "other";
	}
}

#endif
