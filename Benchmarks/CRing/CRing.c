// Drivers for the C ring benchmarks: allocation, pinned helper threads, producer and round-trip loops.
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "CRing.h"

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__)
#include <immintrin.h>
#define CRING_RELAX() _mm_pause()
#else
#define CRING_RELAX() ((void)0)
#endif

int cring_init(cring_t *ring, uint64_t capacity) {
    if (capacity < 2 || (capacity & (capacity - 1)) != 0) { return -1; }
    size_t bytes = CRING_SLOTS_OFFSET + (size_t)capacity * CRING_SLOT_STRIDE;
    void *memory = NULL;
    if (posix_memalign(&memory, 4096, bytes) != 0) { return -1; }
    memset(memory, 0, bytes);
    ring->base = memory;
    ring->mask = capacity - 1;
    return 0;
}

void cring_destroy(cring_t *ring) {
    free(ring->base);
    ring->base = NULL;
}

static void cring_pin(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

struct cring_thread {
    _Alignas(128) _Atomic int stop;
    _Alignas(128) pthread_t thread;
    cring_t in;
    cring_t out;
    int cpu;
    uint64_t first;
    uint64_t count;
    uint64_t errors;
};

static void *cring_consumer_main(void *argument) {
    cring_thread_t *self = argument;
    cring_pin(self->cpu);
    uint64_t expected = self->first;
    uint64_t end = self->first + self->count;
    uint64_t errors = 0;
    for (;;) {
        if (self->count != 0 && expected == end) { break; }
        if (cring_consume_checked(&self->in, 64, &expected, &errors) == 0) {
            // ORDERING: relaxed: the flag carries no data; join() synchronizes the result.
            if (atomic_load_explicit(&self->stop, memory_order_relaxed)) { break; }
            CRING_RELAX();
        }
    }
    self->errors = errors;
    return NULL;
}

static void *cring_echo_main(void *argument) {
    cring_thread_t *self = argument;
    cring_pin(self->cpu);
    cring_event_t event;
    for (;;) {
        if (cring_pop(&self->in, &event)) {
            while (!cring_push(&self->out, &event)) { CRING_RELAX(); }
        } else {
            // ORDERING: relaxed: the flag carries no data.
            if (atomic_load_explicit(&self->stop, memory_order_relaxed)) { break; }
            CRING_RELAX();
        }
    }
    return NULL;
}

static cring_thread_t *cring_start(const cring_t *in, const cring_t *out, int cpu, uint64_t first, uint64_t count, void *(*main)(void *)) {
    cring_thread_t *self = NULL;
    if (posix_memalign((void **)&self, 128, sizeof(*self)) != 0) { return NULL; }
    memset(self, 0, sizeof(*self));
    atomic_init(&self->stop, 0);
    self->in = *in;
    if (out != NULL) { self->out = *out; }
    self->cpu = cpu;
    self->first = first;
    self->count = count;
    if (pthread_create(&self->thread, NULL, main, self) != 0) {
        free(self);
        return NULL;
    }
    return self;
}

cring_thread_t *cring_start_consumer(const cring_t *ring, int cpu, uint64_t first, uint64_t count) {
    return cring_start(ring, NULL, cpu, first, count, cring_consumer_main);
}

cring_thread_t *cring_start_echo(const cring_t *in, const cring_t *out, int cpu) {
    return cring_start(in, out, cpu, 0, 0, cring_echo_main);
}

uint64_t cring_join(cring_thread_t *thread) {
    pthread_join(thread->thread, NULL);
    uint64_t errors = thread->errors;
    free(thread);
    return errors;
}

uint64_t cring_stop(cring_thread_t *thread) {
    atomic_store_explicit(&thread->stop, 1, memory_order_relaxed);
    pthread_join(thread->thread, NULL);
    uint64_t errors = thread->errors;
    free(thread);
    return errors;
}

void cring_produce(const cring_t *ring, uint64_t first, uint64_t count) {
    cring_event_t event;
    memset(&event, 0, sizeof(event));
    for (uint64_t i = 0; i < count; i++) {
        event.words[0] = first + i;
        while (!cring_push(ring, &event)) { CRING_RELAX(); }
    }
}

uint64_t cring_round_trips(const cring_t *ping, const cring_t *pong, uint64_t first, uint64_t count) {
    cring_event_t event;
    memset(&event, 0, sizeof(event));
    uint64_t errors = 0;
    for (uint64_t i = 0; i < count; i++) {
        event.words[0] = first + i;
        while (!cring_push(ping, &event)) { CRING_RELAX(); }
        while (!cring_pop(pong, &event)) { CRING_RELAX(); }
        if (event.words[0] != first + i) { errors += 1; }
    }
    return errors;
}

// The bounced word, the stop flag and the owner's fields each get their own 128 bytes: the
// responder polls `stop` while idle, so nothing the pinger writes may share its line.
struct cring_pingpong {
    _Alignas(128) _Atomic uint64_t word;
    _Alignas(128) _Atomic int stop;
    _Alignas(128) pthread_t thread;
    int cpu;
    uint64_t next;
};

static void *cring_pingpong_main(void *argument) {
    cring_pingpong_t *self = argument;
    cring_pin(self->cpu);
    for (;;) {
        // ORDERING: acquire/release so each side sees the other's last write (no other data moves).
        uint64_t value = atomic_load_explicit(&self->word, memory_order_acquire);
        if (value & 1) {
            atomic_store_explicit(&self->word, value + 1, memory_order_release);
        } else {
            // ORDERING: relaxed: the flag carries no data.
            if (atomic_load_explicit(&self->stop, memory_order_relaxed)) { break; }
            CRING_RELAX();
        }
    }
    return NULL;
}

cring_pingpong_t *cring_pingpong_start(int cpu) {
    cring_pingpong_t *self = NULL;
    if (posix_memalign((void **)&self, 128, sizeof(*self)) != 0) { return NULL; }
    memset(self, 0, sizeof(*self));
    atomic_init(&self->word, 0);
    atomic_init(&self->stop, 0);
    self->cpu = cpu;
    if (pthread_create(&self->thread, NULL, cring_pingpong_main, self) != 0) {
        free(self);
        return NULL;
    }
    return self;
}

void cring_pingpong_round_trips(cring_pingpong_t *self, uint64_t count) {
    uint64_t next = self->next;
    for (uint64_t i = 0; i < count; i++) {
        uint64_t odd = next * 2 + 1;
        next += 1;
        // ORDERING: release/acquire, mirroring the responder.
        atomic_store_explicit(&self->word, odd, memory_order_release);
        while (atomic_load_explicit(&self->word, memory_order_acquire) != odd + 1) { CRING_RELAX(); }
    }
    self->next = next;
}

void cring_pingpong_stop(cring_pingpong_t *self) {
    atomic_store_explicit(&self->stop, 1, memory_order_relaxed);
    pthread_join(self->thread, NULL);
    free(self);
}
