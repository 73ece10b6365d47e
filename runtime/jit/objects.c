/*
 * Object code kept for the code cache: every version's object, as emitted,
 * and where each version's entry is, so that the cache can store a
 * function's code as it is at exit and a later run can link it again (see
 * const_addr in tiers.c for why the code does not depend on the run).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int jit_out_of_memory(struct jit *j)
{
	return jit_fail(j, JIT_EINTERNAL, "out of memory");
}

const char *jit_llvm_version(void)
{
	static char v[32];
	unsigned major, minor, patch;
	LLVMGetVersion(&major, &minor, &patch);
	snprintf(v, sizeof v, "%u.%u.%u", major, minor, patch);
	return v;
}

const char *jit_input_hash(const struct jit *j)
{
	return j->input_hex;
}

uint64_t jit_program_shape(const struct jit *j)
{
	uint64_t h = JIT_FNV_BASIS;
	for (size_t i = 0; i < j->nfns; i++) {
		const struct jit_fn *d = &j->fns[i];
		unsigned char flags[4] = {d->managed, d->untimed, d->recursive,
					  (unsigned char)d->nparams};
		h = jit_fnv1a(h, j->syms[i], strlen(j->syms[i]) + 1);
		h = jit_fnv1a(h, &d->size, sizeof d->size);
		h = jit_fnv1a(h, &d->only_caller, sizeof d->only_caller);
		h = jit_fnv1a(h, flags, sizeof flags);
		h = jit_fnv1a(h, d->arg_kind, sizeof d->arg_kind);
	}
	return h;
}

void jit_keep_objects(struct jit *j)
{
	j->keep = true;
}

static int keep(struct jit *j, const void *bytes, size_t size)
{
	struct jit_object *o = realloc(j->objs, (j->nobjs + 1) * sizeof *o);
	if (!o)
		return jit_fail(j, JIT_EINTERNAL, "out of memory");
	j->objs = o;
	o[j->nobjs].bytes = malloc(size);
	if (!o[j->nobjs].bytes)
		return jit_fail(j, JIT_EINTERNAL, "out of memory");
	memcpy(o[j->nobjs].bytes, bytes, size);
	o[j->nobjs++].size = size;
	return 0;
}

int jit_keep(struct jit *j, const void *bytes, size_t size)
{
	pthread_mutex_lock(&j->kept);
	int err = keep(j, bytes, size);
	pthread_mutex_unlock(&j->kept);
	return err;
}

static int made(struct jit *j, const void *addr, const char *entry)
{
	struct jit_made *m = realloc(j->made, (j->nmade + 1) * sizeof *m);
	if (!m)
		return jit_fail(j, JIT_EINTERNAL, "out of memory");
	j->made = m;
	m[j->nmade].addr = addr;
	m[j->nmade].obj = (unsigned)j->nobjs - 1;
	if (!j->nobjs || !(m[j->nmade].entry = strdup(entry)))
		return jit_fail(j, JIT_EINTERNAL, "internal error: no object kept for %s", entry);
	j->nmade++;
	return 0;
}

int jit_made(struct jit *j, const void *addr, const char *entry)
{
	pthread_mutex_lock(&j->kept);
	int err = made(j, addr, entry);
	pthread_mutex_unlock(&j->kept);
	return err;
}

void jit_freeze_kept(struct jit *j)
{
	pthread_mutex_lock(&j->kept); /* for good */
}

bool jit_version_object(const struct jit *j, const void *addr, const void **obj, size_t *size,
			unsigned *id, const char **entry)
{
	for (size_t k = j->nmade; k-- > 0;)
		if (j->made[k].addr == addr) {
			*id = j->made[k].obj;
			*obj = j->objs[*id].bytes;
			*size = j->objs[*id].size;
			*entry = j->made[k].entry;
			return true;
		}
	return false;
}

bool jit_kept_object(const struct jit *j, unsigned id, const void **obj, size_t *size)
{
	if (id >= j->nobjs)
		return false;
	*obj = j->objs[id].bytes;
	*size = j->objs[id].size;
	return true;
}

struct jit_mark jit_mark(struct jit *j)
{
	if (j->added)
		LLVMOrcReleaseResourceTracker(j->added);
	j->added = LLVMOrcJITDylibCreateResourceTracker(LLVMOrcLLJITGetMainJITDylib(j->lljit));
	return (struct jit_mark){j->nobjs, j->nmade};
}

void jit_rollback(struct jit *j, struct jit_mark m)
{
	if (j->added) {
		LLVMErrorRef e = LLVMOrcResourceTrackerRemove(j->added);
		if (e)
			LLVMConsumeError(e); /* what it held is unusable either way */
		LLVMOrcReleaseResourceTracker(j->added);
		j->added = NULL;
	}
	pthread_mutex_lock(&j->kept);
	while (j->nobjs > m.objs)
		free(j->objs[--j->nobjs].bytes);
	while (j->nmade > m.made)
		free(j->made[--j->nmade].entry);
	pthread_mutex_unlock(&j->kept);
}

int jit_add_object(struct jit *j, const void *obj, size_t size)
{
	if (!j->added)
		return jit_fail(j, JIT_EINTERNAL, "internal error: an object added without a mark");
	if (j->keep && jit_keep(j, obj, size))
		return JIT_EINTERNAL;
	LLVMMemoryBufferRef buf =
	    LLVMCreateMemoryBufferWithMemoryRangeCopy(obj, size, "bareflow.cached");
	jit_code_note_object(j, buf); /* its functions, for the code map */
	LLVMErrorRef e = LLVMOrcLLJITAddObjectFileWithRT(j->lljit, j->added, buf);
	return e ? jit_fail_llvm(j, JIT_EINTERNAL, "cannot add cached code", e) : 0;
}

int jit_find_version(struct jit *j, const char *entry, void **addr)
{
	int err = jit_lookup(j, entry, addr);
	if (!err && j->keep)
		err = jit_made(j, *addr, entry);
	return err;
}

enum jit_compiled jit_request_state(const struct jit_request *r)
{
	return r->tier == 2 && !r->counted && !r->profiled && !r->nspec ? JIT_COMPILED_FINAL
									: JIT_COMPILED;
}

void jit_adopt(struct jit *j, const struct jit_request *r)
{
	if (r->fn < j->nfns)
		j->compiled[r->fn] = jit_request_state(r);
}

void jit_expect(struct jit *j, const struct jit_request *r, bool coming)
{
	if (r->fn < j->nfns && j->final_coming)
		atomic_store_explicit(&j->final_coming[r->fn],
				      coming && jit_request_state(r) == JIT_COMPILED_FINAL,
				      memory_order_relaxed);
}

const char *jit_fn_symbol(const struct jit *j, unsigned fn)
{
	return fn < j->nfns ? j->syms[fn] : NULL;
}

bool jit_tier0_loaded(const struct jit *j)
{
	return j->tier0_loaded;
}

unsigned jit_next_serial(const struct jit *j)
{
	return j->serial;
}

void jit_skip_serials(struct jit *j, unsigned next)
{
	if (next > j->serial)
		j->serial = next;
}
