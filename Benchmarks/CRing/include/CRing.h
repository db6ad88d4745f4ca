// CRing: the C11 peer of HFTRuntime's Swift `Ring`, with the same memory layout, used by
// RingBenchmarks to compare the Swift ring against C in the same run (DESIGN.md budget: Swift
// throughput >= 1.0x this ring; round trip <= 2.2x the cache-line ping-pong floor).
//
// Layout of one allocation (identical to RingLayout.swift for a 64-byte event):
//   [  0,128) producer: tail, cached_head (producer only)
//   [128,256) consumer: head (atomic; read by the producer only when it looks full)
//   [256, ..) slots, stride 128: +0 sequence (atomic, position + 1 once published), +8 payload (64 B)
#ifndef HFT_CRING_H
#define HFT_CRING_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/// The 64-byte event both rings carry in the benchmarks.
typedef struct cring_event {
    uint64_t words[8];
} cring_event_t;

/// A ring handle: the base of the allocation and capacity - 1.
typedef struct cring {
    unsigned char *base;
    uint64_t mask;
} cring_t;

#define CRING_CONSUMER_OFFSET 128
#define CRING_SLOTS_OFFSET 256
#define CRING_SLOT_STRIDE 128
#define CRING_PAYLOAD_OFFSET 8

/// Allocates a ring of `capacity` slots (a power of two >= 2). Returns 0, or -1 on failure.
int cring_init(cring_t *ring, uint64_t capacity);
/// Frees the ring's memory; no thread may use it any more.
void cring_destroy(cring_t *ring);

static inline unsigned char *cring_slot(const cring_t *ring, uint64_t position) {
    return ring->base + CRING_SLOTS_OFFSET + (position & ring->mask) * CRING_SLOT_STRIDE;
}

/// Publishes one event; returns false when the ring is full (nothing written).
static inline bool cring_push(const cring_t *ring, const cring_event_t *event) {
    uint64_t *fields = (uint64_t *)ring->base;
    uint64_t tail = fields[0];
    if (tail - fields[1] > ring->mask) {
        // ORDERING: acquire pairs with the consumer's release of head: its slot reads come first.
        uint64_t head = atomic_load_explicit((_Atomic uint64_t *)(ring->base + CRING_CONSUMER_OFFSET), memory_order_acquire);
        fields[1] = head;
        if (tail - head > ring->mask) { return false; }
    }
    unsigned char *slot = cring_slot(ring, tail);
    memcpy(slot + CRING_PAYLOAD_OFFSET, event, sizeof(*event));
    // ORDERING: release publishes the payload to the consumer's acquire of the sequence.
    atomic_store_explicit((_Atomic uint64_t *)slot, tail + 1, memory_order_release);
    fields[0] = tail + 1;
    return true;
}

/// Takes the oldest event into `out`; returns false when the ring is empty.
static inline bool cring_pop(const cring_t *ring, cring_event_t *out) {
    _Atomic uint64_t *head = (_Atomic uint64_t *)(ring->base + CRING_CONSUMER_OFFSET);
    // ORDERING: relaxed: only the consumer writes head.
    uint64_t position = atomic_load_explicit(head, memory_order_relaxed);
    unsigned char *slot = cring_slot(ring, position);
    // ORDERING: acquire pairs with the producer's release of the sequence.
    if (atomic_load_explicit((_Atomic uint64_t *)slot, memory_order_acquire) != position + 1) { return false; }
    memcpy(out, slot + CRING_PAYLOAD_OFFSET, sizeof(*out));
    // ORDERING: release: our slot read happens before the producer reuses it.
    atomic_store_explicit(head, position + 1, memory_order_release);
    return true;
}

/// Consumes up to `max` events; each one's words[0] must equal `*expected` (then incremented),
/// otherwise `*errors` is incremented. Returns the number consumed. Mirrors RingConsumer.consume.
static inline uint64_t cring_consume_checked(const cring_t *ring, uint64_t max, uint64_t *expected, uint64_t *errors) {
    _Atomic uint64_t *head = (_Atomic uint64_t *)(ring->base + CRING_CONSUMER_OFFSET);
    // ORDERING: relaxed: only the consumer writes head.
    uint64_t start = atomic_load_explicit(head, memory_order_relaxed);
    uint64_t position = start;
    while (position - start < max) {
        unsigned char *slot = cring_slot(ring, position);
        // ORDERING: acquire pairs with the producer's release of the sequence.
        if (atomic_load_explicit((_Atomic uint64_t *)slot, memory_order_acquire) != position + 1) { break; }
        cring_event_t event;
        memcpy(&event, slot + CRING_PAYLOAD_OFFSET, sizeof(event));
        if (event.words[0] != *expected) { *errors += 1; }
        *expected += 1;
        position += 1;
    }
    if (position != start) {
        // ORDERING: release: our slot reads happen before the producer reuses them.
        atomic_store_explicit(head, position, memory_order_release);
    }
    return position - start;
}

/// A pinned helper thread running a C loop (consumer, echo or ping-pong responder).
typedef struct cring_thread cring_thread_t;

/// Starts a thread on `cpu` that consumes `ring` in batches of 64, checking sequence numbers
/// (words[0] counts up from `first`). With `count` > 0 it returns after `count` events (wait with
/// `cring_join`); with 0 it runs until `cring_stop`. NULL on failure.
cring_thread_t *cring_start_consumer(const cring_t *ring, int cpu, uint64_t first, uint64_t count);
/// Starts a thread on `cpu` that pops from `in` and pushes each event back on `out`. NULL on failure.
cring_thread_t *cring_start_echo(const cring_t *in, const cring_t *out, int cpu);
/// Stops and joins the thread; returns the number of sequence errors it saw (0 for echo).
uint64_t cring_stop(cring_thread_t *thread);
/// Joins a counted consumer without stopping it; returns its sequence errors, frees the thread.
uint64_t cring_join(cring_thread_t *thread);

/// Pushes `count` events with words[0] = first, first + 1, …, spinning on back-pressure.
void cring_produce(const cring_t *ring, uint64_t first, uint64_t count);
/// `count` round trips: push sequence first + i on `ping`, spin until the echo comes back on `pong`.
/// Returns the number of echoes that carried another sequence (0 when correct).
uint64_t cring_round_trips(const cring_t *ping, const cring_t *pong, uint64_t first, uint64_t count);

/// The cache-line ping-pong floor: one atomic word bounced between two pinned threads.
typedef struct cring_pingpong cring_pingpong_t;
/// Starts the responder on `cpu`. NULL on failure.
cring_pingpong_t *cring_pingpong_start(int cpu);
/// `count` round trips: write an odd value, spin until the responder writes the next even one.
void cring_pingpong_round_trips(cring_pingpong_t *pingpong, uint64_t count);
/// Stops and joins the responder, frees it.
void cring_pingpong_stop(cring_pingpong_t *pingpong);

#endif
