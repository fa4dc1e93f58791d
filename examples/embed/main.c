/*===- main.c - a C host application embedding mlpjit ----------------------===
 *
 *   mlpjit-embed ARTIFACT [M]
 *
 * Loads an artifact written by `mlpjit-compile` through the C API
 * (libmlpjit.so; only mlpjit/mlpjit_c.h is included), gives its first block
 * random weights, runs one forward of M tokens in a workspace of its own
 * and checks it against a float reference computed here (swiglu / plain
 * activations). Device memory comes from the driver, dlopen'ed like mlpjit
 * does, so the program needs no CUDA headers or libraries to build. Without
 * a GPU it prints "skip: ..." after the checks that need none.
 *===----------------------------------------------------------------------===*/
#include <mlpjit/mlpjit_c.h>

#include <dlfcn.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The few driver calls this program makes itself (cuda.h's _v2 ABI). */
typedef unsigned long long devptr;
static int (*memAlloc)(devptr *, size_t);
static int (*memFree)(devptr);
static int (*copyHtoD)(devptr, const void *, size_t);
static int (*copyDtoH)(void *, devptr, size_t);
static int (*ctxSynchronize)(void);

/* dlsym's object pointer into a function pointer, the way POSIX allows. */
#define LOAD(fn, symbol)                                                       \
  do {                                                                         \
    void *sym = dlsym(lib, symbol);                                            \
    if (!sym)                                                                  \
      return 0;                                                                \
    memcpy(&fn, &sym, sizeof sym);                                             \
  } while (0)

static int loadDriver(void) {
  void *lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!lib)
    return 0;
  LOAD(memAlloc, "cuMemAlloc_v2");
  LOAD(memFree, "cuMemFree_v2");
  LOAD(copyHtoD, "cuMemcpyHtoD_v2");
  LOAD(copyDtoH, "cuMemcpyDtoH_v2");
  LOAD(ctxSynchronize, "cuCtxSynchronize");
  return 1;
}

static int fail(const char *what, mlpjit_status status) {
  fprintf(stderr, "mlpjit-embed: %s: %s: %s\n", what,
          mlpjit_status_name(status), mlpjit_last_error());
  return 1;
}

/* bf16 <-> float (round to nearest even); fp16 blocks only print a sum. */
static uint16_t toBf16(float f) {
  uint32_t u;
  memcpy(&u, &f, 4);
  return (uint16_t)((u + 0x7fff + ((u >> 16) & 1)) >> 16);
}
static float fromBf16(uint16_t b) {
  uint32_t u = (uint32_t)b << 16;
  float f;
  memcpy(&f, &u, 4);
  return f;
}

static uint32_t seed = 1234;
static float uniform(void) { /* [-1, 1) */
  seed = seed * 1664525u + 1013904223u;
  return (float)(seed >> 8) / 8388608.0f - 1.0f;
}

/* A random bf16 tensor on the device and its rounded values on the host. */
static devptr randomTensor(size_t n, float scale, float **host) {
  uint16_t *bits = malloc(n * 2);
  *host = malloc(n * sizeof(float));
  for (size_t i = 0; i < n; ++i) {
    bits[i] = toBf16(uniform() * scale);
    (*host)[i] = fromBf16(bits[i]);
  }
  devptr p = 0;
  if (memAlloc(&p, n * 2) || copyHtoD(p, bits, n * 2))
    p = 0;
  free(bits);
  return p;
}

static float activation(const char *name, float v) {
  if (!strcmp(name, "swiglu") || !strcmp(name, "silu"))
    return v / (1.0f + expf(-v));
  if (!strcmp(name, "reglu") || !strcmp(name, "relu"))
    return v > 0 ? v : 0;
  if (!strcmp(name, "gelu") || !strcmp(name, "geglu_erf"))
    return 0.5f * v * (1.0f + erff(v / sqrtf(2.0f)));
  return 0.5f * v * (1.0f + tanhf(0.7978845608f * (v + 0.044715f * v * v * v)));
}

int main(int argc, char **argv) {
  if (argc < 2 || argc > 3) {
    fprintf(stderr, "usage: mlpjit-embed ARTIFACT [M]\n");
    return 2;
  }
  printf("mlpjit %s (C API %d)\n", mlpjit_version(), mlpjit_c_api_version());
  mlpjit_context ctx;
  mlpjit_status s = mlpjit_context_create(0, &ctx);
  if (s != MLPJIT_OK) {
    /* Still check the artifact's form: loading needs a context, but a bad
     * file is reported before the context is looked at. */
    char why[512];
    snprintf(why, sizeof why, "%s", mlpjit_last_error());
    mlpjit_program none;
    mlpjit_status load = mlpjit_program_load(NULL, argv[1], &none);
    if (load != MLPJIT_ERROR_INVALID_ARGUMENT)
      return fail("reading the artifact", load);
    printf("artifact %s: well-formed\n", argv[1]);
    printf("skip: %s\n", why);
    return 0;
  }
  if (!loadDriver()) {
    fprintf(stderr, "mlpjit-embed: cannot load the driver's functions\n");
    return 1;
  }
  printf("device: %s\n", mlpjit_context_arch(ctx));
  mlpjit_program prog;
  if ((s = mlpjit_program_load(ctx, argv[1], &prog)) != MLPJIT_OK)
    return fail("loading the artifact", s);
  mlpjit_block_info b;
  if ((s = mlpjit_program_block_info(prog, 0, &b)) != MLPJIT_OK)
    return fail("block info", s);
  int64_t m = argc == 3 ? atoll(argv[2]) : b.tokens_min;
  printf("program '%s': hidden %lld, intermediate %lld, %s, tokens %lld..%lld\n",
         b.name, (long long)b.hidden, (long long)b.intermediate, b.activation,
         (long long)b.tokens_min, (long long)b.tokens_max);
  if (b.dtype != MLPJIT_BF16 || b.has_bias) {
    fprintf(stderr, "mlpjit-embed: this example handles bf16 blocks without "
                    "biases\n");
    return 1;
  }
  const size_t h = (size_t)b.hidden, in = (size_t)b.intermediate;
  float *gate = NULL, *up, *down, *x;
  mlpjit_weights w;
  memset(&w, 0, sizeof w);
  const float wscale = 1.7f / sqrtf((float)h), dscale = 1.7f / sqrtf((float)in);
  if (b.gated)
    w.gate = (const void *)(uintptr_t)randomTensor(in * h, wscale, &gate);
  w.up = (const void *)(uintptr_t)randomTensor(in * h, wscale, &up);
  w.down = (const void *)(uintptr_t)randomTensor(h * in, dscale, &down);
  devptr dx = randomTensor((size_t)m * h, 1.0f, &x), dy = 0, dws = 0;
  size_t wsBytes = 0;
  mlpjit_layer layer;
  if ((s = mlpjit_layer_create(prog, 0, &w, NULL, &layer)) != MLPJIT_OK)
    return fail("setting weights", s);
  if ((s = mlpjit_workspace_bytes(prog, 0, m, &wsBytes)) != MLPJIT_OK)
    return fail("workspace size", s);
  if (memAlloc(&dy, (size_t)m * h * 2) || memAlloc(&dws, wsBytes) || !dx) {
    fprintf(stderr, "mlpjit-embed: cuMemAlloc failed\n");
    return 1;
  }
  printf("layer owns %zu bytes, workspace for m = %lld: %zu bytes\n",
         mlpjit_layer_owned_bytes(layer), (long long)m, wsBytes);
  s = mlpjit_forward(layer, (const void *)(uintptr_t)dx, (void *)(uintptr_t)dy,
                     m, (void *)(uintptr_t)dws, wsBytes, NULL);
  if (s != MLPJIT_OK)
    return fail("forward", s);
  if (ctxSynchronize())
    return fail("synchronizing", MLPJIT_ERROR_CUDA);

  uint16_t *out = malloc((size_t)m * h * 2);
  copyDtoH(out, dy, (size_t)m * h * 2);
  /* The float reference, with the intermediate rounded to bf16 as the
   * kernels store it. */
  float *act = malloc(in * sizeof(float));
  double err = 0, ref = 0, sum = 0;
  for (size_t r = 0; r < (size_t)m; ++r) {
    for (size_t j = 0; j < in; ++j) {
      float g = 0, u = 0;
      for (size_t k = 0; k < h; ++k) {
        u += x[r * h + k] * up[j * h + k];
        if (gate)
          g += x[r * h + k] * gate[j * h + k];
      }
      act[j] = fromBf16(toBf16(gate ? activation(b.activation, g) * u
                                    : activation(b.activation, u)));
    }
    for (size_t c = 0; c < h; ++c) {
      double expect = 0;
      for (size_t j = 0; j < in; ++j)
        expect += (double)act[j] * down[c * in + j];
      double got = fromBf16(out[r * h + c]);
      if (!isfinite(got)) {
        fprintf(stderr, "mlpjit-embed: non-finite output\n");
        return 1;
      }
      err += (got - expect) * (got - expect);
      ref += expect * expect;
      sum += got;
    }
  }
  double rel = sqrt(err / (ref > 0 ? ref : 1));
  printf("forward m = %lld: sum %g, relative error %.2e: %s\n", (long long)m,
         sum, rel, rel <= 2e-2 ? "PASS" : "FAIL");
  mlpjit_layer_destroy(layer);
  mlpjit_program_destroy(prog);
  mlpjit_context_destroy(ctx);
  return rel <= 2e-2 ? 0 : 1;
}
