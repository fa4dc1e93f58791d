/*===- mlpjit_c.h - the stable C API of mlpjit ---------------------------===*
 *
 *   mlpjit_context ctx;   mlpjit_context_create(0, &ctx);          // GPU 0
 *   mlpjit_program prog;  mlpjit_program_load(ctx, "llama.mlpx", &prog);
 *                     or  mlpjit_program_compile(ctx, "llama.mlp", NULL, &prog);
 *   mlpjit_layer layer;   mlpjit_layer_create(prog, 0, &weights, stream, &layer);
 *   size_t bytes;         mlpjit_workspace_bytes(prog, 0, m_max, &bytes);
 *   mlpjit_forward(layer, x, y, m, workspace, bytes, stream);     // 2 kernels
 *
 * One program holds the kernels of every block of a spec, loaded once on the
 * context's device; a layer holds one layer's weights and shares its block's
 * kernels, so a 32-layer model loads each kernel once. A forward uses only
 * the caller's workspace (activations between the two GEMMs, split-K partial
 * sums and counters): forwards of one layer on several streams run
 * concurrently when each has its own workspace. mlpjit_forward allocates
 * nothing and never synchronizes, so it can be captured in a CUDA graph.
 *
 * Conventions: every function returns an mlpjit_status; on failure
 * mlpjit_last_error() (per thread) says what and where. Pointers to tensors
 * are device pointers in PyTorch layouts (row-major, contiguous): x and y
 * [m, hidden], gate and up [intermediate, hidden], down [hidden,
 * intermediate], biases [intermediate] / [hidden]; 16-byte aligned. Streams
 * are CUstream / cudaStream_t values passed as void*; NULL is the legacy
 * default stream. Destroying a null handle is a no-op; a layer keeps its
 * program alive and a program its context, so handles may be destroyed in
 * any order.
 *
 * Weight lifetimes: gate and up (or a packed gate_up) are copied into the
 * layer's packed gate/up buffer on `stream` during mlpjit_layer_create and
 * may be freed once that stream has passed the copy; down and the biases
 * are used in place and must stay alive and unchanged until the layer is
 * destroyed.
 *
 * This header needs only a C11 compiler: no CUDA, LLVM or C++ headers.
 *===----------------------------------------------------------------------===*/
#ifndef MLPJIT_MLPJIT_C_H
#define MLPJIT_MLPJIT_C_H

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32)
#define MLPJIT_API __declspec(dllimport)
#elif defined(__GNUC__)
#define MLPJIT_API __attribute__((visibility("default")))
#else
#define MLPJIT_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped when a function's signature or meaning changes. */
#define MLPJIT_C_API_VERSION 1

typedef enum mlpjit_status {
  MLPJIT_OK = 0,
  MLPJIT_ERROR_INVALID_ARGUMENT = 1, /* null/misaligned pointer, bad m, ... */
  MLPJIT_ERROR_SPEC = 2,             /* spec or config.json rejected */
  MLPJIT_ERROR_COMPILE = 3,          /* NVRTC failed */
  MLPJIT_ERROR_ARTIFACT = 4,         /* unreadable or malformed artifact */
  MLPJIT_ERROR_ARCH_MISMATCH = 5,    /* artifact has no code for the GPU */
  MLPJIT_ERROR_CUDA = 6,             /* no driver, or a driver call failed */
  MLPJIT_ERROR_NOT_SUPPORTED = 7,    /* e.g. JIT in a runtime-only build */
  MLPJIT_ERROR_IO = 8,               /* a file could not be read/written */
  MLPJIT_ERROR_WORKSPACE = 9         /* workspace too small or misaligned */
} mlpjit_status;

typedef struct mlpjit_context_t *mlpjit_context; /* one device */
typedef struct mlpjit_program_t *mlpjit_program; /* kernels of a spec */
typedef struct mlpjit_layer_t *mlpjit_layer;     /* one layer's weights */

/* --- library ------------------------------------------------------------ */
/* "MAJOR.MINOR.PATCH" of the library (mlpjit's, not LLVM's). */
MLPJIT_API const char *mlpjit_version(void);
MLPJIT_API int mlpjit_c_api_version(void); /* MLPJIT_C_API_VERSION built in */
/* The message of this thread's last failed call ("" if none). Valid until
 * the next mlpjit call on this thread. */
MLPJIT_API const char *mlpjit_last_error(void);
MLPJIT_API const char *mlpjit_status_name(mlpjit_status status);

/* --- context ------------------------------------------------------------ */
/* The primary context of CUDA device `ordinal` (libcuda.so.1 is dlopen'ed). */
MLPJIT_API mlpjit_status mlpjit_context_create(int ordinal,
                                               mlpjit_context *out);
MLPJIT_API void mlpjit_context_destroy(mlpjit_context context);
/* "sm_90a", ... of the context's device. */
MLPJIT_API const char *mlpjit_context_arch(mlpjit_context context);

/* --- programs ----------------------------------------------------------- */
typedef struct mlpjit_compile_options {
  /* Token-count range [tokens_min, tokens_max] to specialize for; 0 keeps
   * the spec's (or the config's default). */
  int64_t tokens_min, tokens_max;
  /* Tensor-parallel degree overriding the spec's `tp`; 0 keeps it. */
  int tensor_parallel;
  /* Worker threads for NVRTC (0: one per core, at most one per kernel). */
  int threads;
} mlpjit_compile_options;

/* JIT: a .mlp spec or a Hugging Face config.json, by path, compiled for the
 * context's device (NVRTC, in-memory and MLPJIT_CACHE_DIR caches). Spec
 * errors name file:line:col. `options` may be NULL. Returns
 * MLPJIT_ERROR_NOT_SUPPORTED in a runtime-only build. */
MLPJIT_API mlpjit_status
mlpjit_program_compile(mlpjit_context context, const char *path,
                       const mlpjit_compile_options *options,
                       mlpjit_program *out);
/* The same from spec text (or config.json text); `name` is used in
 * diagnostics in place of a file name (NULL: "<string>"). */
MLPJIT_API mlpjit_status mlpjit_program_compile_string(
    mlpjit_context context, const char *text, const char *name,
    const mlpjit_compile_options *options, mlpjit_program *out);
/* AOT: an artifact written by `mlpjit-compile` (cubins, PTX fallback). Needs
 * only the driver. MLPJIT_ERROR_ARCH_MISMATCH names both archs when the
 * artifact has neither a cubin for the device nor PTX it can JIT. */
MLPJIT_API mlpjit_status mlpjit_program_load(mlpjit_context context,
                                             const char *path,
                                             mlpjit_program *out);
MLPJIT_API void mlpjit_program_destroy(mlpjit_program program);

/* Blocks of a program (one per `mlp` block of the spec), by index. */
MLPJIT_API int mlpjit_program_block_count(mlpjit_program program);
/* Index of the block called `name`, or -1. */
MLPJIT_API int mlpjit_program_find_block(mlpjit_program program,
                                         const char *name);

typedef enum mlpjit_dtype { MLPJIT_BF16 = 0, MLPJIT_FP16 = 1 } mlpjit_dtype;

typedef struct mlpjit_block_info {
  const char *name;       /* owned by the program */
  int64_t hidden;         /* x, y: [m, hidden] */
  int64_t intermediate;   /* this rank's: gate/up [intermediate, hidden] */
  int64_t tokens_min, tokens_max;
  int tensor_parallel;    /* 1: the whole block */
  int gated;              /* 1: gate and up weights; 0: up only */
  int has_bias;
  mlpjit_dtype dtype;
  const char *activation; /* "swiglu", "geglu_tanh", "gelu", ... */
} mlpjit_block_info;
MLPJIT_API mlpjit_status mlpjit_program_block_info(mlpjit_program program,
                                                   int block,
                                                   mlpjit_block_info *out);

/* Bytes of workspace one forward of `block` with up to m_max tokens needs
 * (256-byte aligned pointer required). */
MLPJIT_API mlpjit_status mlpjit_workspace_bytes(mlpjit_program program,
                                                int block, int64_t m_max,
                                                size_t *out);

/* --- layers ------------------------------------------------------------- */
/* One layer's weights (device pointers, PyTorch layouts). Either gate and
 * up, or gate_up: [2*intermediate, hidden] stacked [gate; up] (Phi-3's
 * gate_up_proj). Biases exactly when the block has them. For a
 * tensor-parallel block these are this rank's slices (rows
 * [r*I, (r+1)*I) of gate/up, columns [r*I, (r+1)*I) of down, contiguous);
 * mlpjit_tensor_parallel_slice says which. */
typedef struct mlpjit_weights {
  const void *gate, *up, *gate_up, *down;
  const void *gate_bias, *up_bias, *gate_up_bias, *down_bias;
} mlpjit_weights;

MLPJIT_API mlpjit_status mlpjit_layer_create(mlpjit_program program,
                                             int block,
                                             const mlpjit_weights *weights,
                                             void *stream, mlpjit_layer *out);
/* A layer of `program`'s block `block` that runs on `owner`'s weights (its
 * packed gate/up and the down weight and biases it was given), without a
 * copy: the same layer under another program of the same block, e.g. one
 * compiled with other tuning or token ranges. The block must match the
 * owner's (shapes, dtype, activation, bias, gate/up interleave), else
 * MLPJIT_ERROR_INVALID_ARGUMENT. `owner` must outlive the new layer, which
 * still owns a packed gate/up buffer of its own, unused
 * (mlpjit_layer_owned_bytes counts it). */
MLPJIT_API mlpjit_status mlpjit_layer_create_shared(mlpjit_program program,
                                                    int block,
                                                    mlpjit_layer owner,
                                                    mlpjit_layer *out);
MLPJIT_API void mlpjit_layer_destroy(mlpjit_layer layer);
/* Device bytes the layer owns (its packed gate/up weight). */
MLPJIT_API size_t mlpjit_layer_owned_bytes(mlpjit_layer layer);

/* y[m, hidden] = down(act(gate(x)) * up(x)) on `stream`, using
 * `workspace` (>= mlpjit_workspace_bytes(program, block, m)). For a
 * tensor-parallel block y is this rank's partial sum (the caller
 * all-reduces). */
MLPJIT_API mlpjit_status mlpjit_forward(mlpjit_layer layer, const void *x,
                                        void *y, int64_t m, void *workspace,
                                        size_t workspace_bytes, void *stream);

/* --- tensor parallelism ------------------------------------------------- */
/* Which part of the full weights rank `rank` of a tp block owns. */
typedef struct mlpjit_tp_slice {
  int64_t row_offset, rows;       /* of the full gate/up [N*I, hidden] */
  int64_t column_offset, columns; /* of the full down [hidden, N*I] */
  int adds_down_bias;             /* 1 on rank 0 only */
} mlpjit_tp_slice;
MLPJIT_API mlpjit_status mlpjit_tensor_parallel_slice(mlpjit_program program,
                                                      int block, int rank,
                                                      mlpjit_tp_slice *out);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* MLPJIT_MLPJIT_C_H */
