//===- CApi.cpp - mlpjit_c.h over the C++ core (MlpKernels, MlpLayer) -----===//
//
// Handles are small structs holding shared_ptrs, so that a layer keeps its
// program alive and a program its context whatever order the caller
// destroys them in. Every entry point turns llvm::Error into a status plus
// this thread's last-error message; nothing here throws or aborts.
//
//===----------------------------------------------------------------------===//
#include "mlpjit/mlpjit_c.h"

#include "CompileHook.h"

#include "mlpjit/Errors.h"
#include "mlpjit/ProgramFile.h"
#include "mlpjit/Version.h"
#include "mlpjit/mlpjit.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/FileSystem.h"

#include <memory>
#include <string>
#include <vector>

using namespace mlpjit;

namespace {
struct ContextImpl {
  std::unique_ptr<DeviceContext> device;
};
struct Block {
  MlpProgram program;
  std::shared_ptr<const MlpKernels> kernels;
  std::string activation;
};
struct ProgramImpl {
  std::shared_ptr<ContextImpl> context; // declared first: destroyed last
  std::vector<Block> blocks;
};
} // namespace

struct mlpjit_context_t {
  std::shared_ptr<ContextImpl> impl;
};
struct mlpjit_program_t {
  std::shared_ptr<ProgramImpl> impl;
};
struct mlpjit_layer_t {
  std::shared_ptr<ProgramImpl> program; // declared first: destroyed last
  const Block *block = nullptr;
  std::unique_ptr<MlpLayer> layer;
};

static thread_local std::string lastError;

static mlpjit_status fail(mlpjit_status status, std::string message) {
  lastError = std::move(message);
  return status;
}
static mlpjit_status fail(mlpjit_status status, llvm::Error error) {
  return fail(status, llvm::toString(std::move(error)));
}
/// A C++ core call's error, by its kind (mlpjit/Errors.h): a driver call
/// that failed, a bad workspace, else a bad argument.
static mlpjit_status failCall(llvm::Error error) {
  mlpjit_status status = MLPJIT_ERROR_INVALID_ARGUMENT;
  std::string message;
  auto add = [&](const llvm::ErrorInfoBase &e, mlpjit_status kind) {
    if (status == MLPJIT_ERROR_INVALID_ARGUMENT)
      status = kind;
    message += (message.empty() ? "" : "\n") + e.message();
  };
  llvm::handleAllErrors(
      std::move(error),
      [&](const DriverError &e) { add(e, MLPJIT_ERROR_CUDA); },
      [&](const WorkspaceError &e) { add(e, MLPJIT_ERROR_WORKSPACE); },
      [&](const llvm::ErrorInfoBase &e) {
        add(e, MLPJIT_ERROR_INVALID_ARGUMENT);
      });
  return fail(status, std::move(message));
}

extern "C" {

const char *mlpjit_version(void) { return MLPJIT_VERSION_STRING; }
int mlpjit_c_api_version(void) { return MLPJIT_C_API_VERSION; }
const char *mlpjit_last_error(void) { return lastError.c_str(); }

const char *mlpjit_status_name(mlpjit_status status) {
  switch (status) {
  case MLPJIT_OK:
    return "MLPJIT_OK";
  case MLPJIT_ERROR_INVALID_ARGUMENT:
    return "MLPJIT_ERROR_INVALID_ARGUMENT";
  case MLPJIT_ERROR_SPEC:
    return "MLPJIT_ERROR_SPEC";
  case MLPJIT_ERROR_COMPILE:
    return "MLPJIT_ERROR_COMPILE";
  case MLPJIT_ERROR_ARTIFACT:
    return "MLPJIT_ERROR_ARTIFACT";
  case MLPJIT_ERROR_ARCH_MISMATCH:
    return "MLPJIT_ERROR_ARCH_MISMATCH";
  case MLPJIT_ERROR_CUDA:
    return "MLPJIT_ERROR_CUDA";
  case MLPJIT_ERROR_NOT_SUPPORTED:
    return "MLPJIT_ERROR_NOT_SUPPORTED";
  case MLPJIT_ERROR_IO:
    return "MLPJIT_ERROR_IO";
  case MLPJIT_ERROR_WORKSPACE:
    return "MLPJIT_ERROR_WORKSPACE";
  }
  return "MLPJIT_ERROR_UNKNOWN";
}

// --- context -----------------------------------------------------------------

mlpjit_status mlpjit_context_create(int ordinal, mlpjit_context *out) {
  if (!out)
    return fail(MLPJIT_ERROR_INVALID_ARGUMENT,
                "mlpjit_context_create: null output handle");
  *out = nullptr;
  auto device = DeviceContext::create(ordinal);
  if (!device)
    return fail(MLPJIT_ERROR_CUDA, device.takeError());
  auto impl = std::make_shared<ContextImpl>();
  impl->device = std::move(*device);
  *out = new mlpjit_context_t{std::move(impl)};
  return MLPJIT_OK;
}

void mlpjit_context_destroy(mlpjit_context context) { delete context; }

const char *mlpjit_context_arch(mlpjit_context context) {
  if (!context) {
    lastError = "mlpjit_context_arch: null context";
    return "";
  }
  return context->impl->device->arch().c_str();
}

// --- programs ----------------------------------------------------------------

static const char *activationName(Epilogue e) {
  switch (e) {
  case Epilogue::gelu_erf:
    return "gelu"; // the spec language's name for the erf GELU
  default:
    return toString(e);
  }
}

/// Loads each block's kernels once on the context's device.
static mlpjit_status makeProgram(const std::shared_ptr<ContextImpl> &context,
                                 std::vector<MlpProgram> programs,
                                 mlpjit_program *out) {
  auto impl = std::make_shared<ProgramImpl>();
  impl->context = context;
  for (MlpProgram &p : programs) {
    auto kernels = MlpKernels::load(p, *context->device);
    if (!kernels)
      return fail(MLPJIT_ERROR_CUDA, kernels.takeError());
    Block block;
    block.activation = activationName(p.epilogue);
    block.program = std::move(p);
    block.kernels = std::move(*kernels);
    impl->blocks.push_back(std::move(block));
  }
  *out = new mlpjit_program_t{std::move(impl)};
  return MLPJIT_OK;
}

static mlpjit_status compile(mlpjit_context context, capi::CompileRequest r,
                             const mlpjit_compile_options *options,
                             mlpjit_program *out, const char *what) {
  if (!out)
    return fail(MLPJIT_ERROR_INVALID_ARGUMENT,
                std::string(what) + ": null output handle");
  *out = nullptr;
  if (!r.path && !r.text)
    return fail(MLPJIT_ERROR_INVALID_ARGUMENT,
                std::string(what) + ": null spec");
  if (options) {
    if (options->tokens_min < 0 || options->tokens_max < 0 ||
        options->tensor_parallel < 0 || options->threads < 0)
      return fail(MLPJIT_ERROR_INVALID_ARGUMENT,
                  std::string(what) + ": negative option");
    r.options = *options;
  }
  std::vector<MlpProgram> programs;
  std::string error;
  if (!context) {
    // The spec's errors first, so they are reported even without a GPU.
    r.parseOnly = true;
    if (mlpjit_status s = capi::compileSpec(r, programs, error))
      return fail(s, std::move(error));
    return fail(MLPJIT_ERROR_INVALID_ARGUMENT,
                std::string(what) + ": null context");
  }
  r.arch = context->impl->device->arch();
  if (mlpjit_status s = capi::compileSpec(r, programs, error))
    return fail(s, std::move(error));
  return makeProgram(context->impl, std::move(programs), out);
}

mlpjit_status mlpjit_program_compile(mlpjit_context context, const char *path,
                                     const mlpjit_compile_options *options,
                                     mlpjit_program *out) {
  capi::CompileRequest r;
  r.path = path;
  return compile(context, r, options, out, "mlpjit_program_compile");
}

mlpjit_status mlpjit_program_compile_string(
    mlpjit_context context, const char *text, const char *name,
    const mlpjit_compile_options *options, mlpjit_program *out) {
  capi::CompileRequest r;
  r.text = text;
  r.name = name;
  return compile(context, r, options, out, "mlpjit_program_compile_string");
}

/// What an artifact's program carries, for messages: "sm_90a (cubin + PTX)".
static std::string describeCode(const MlpProgram &p) {
  bool cubin =
      llvm::any_of(p.kernels, [](auto &k) { return !k.cubin.empty(); });
  bool ptx = llvm::any_of(p.kernels, [](auto &k) { return !k.ptx.empty(); });
  std::string arch = p.kernels.empty() ? "?" : p.kernels.front().desc.arch;
  return arch + (cubin && ptx ? " (cubin + PTX)"
                 : cubin      ? " (cubin)"
                              : " (PTX)");
}

mlpjit_status mlpjit_program_load(mlpjit_context context, const char *path,
                                  mlpjit_program *out) {
  if (!out)
    return fail(MLPJIT_ERROR_INVALID_ARGUMENT,
                "mlpjit_program_load: null output handle");
  *out = nullptr;
  if (!path)
    return fail(MLPJIT_ERROR_INVALID_ARGUMENT,
                "mlpjit_program_load: null path");
  if (!llvm::sys::fs::exists(path))
    return fail(MLPJIT_ERROR_IO,
                std::string("mlpjit: cannot read ") + path + ": no such file");
  auto programs = readArtifactFile(path);
  if (!programs)
    return fail(MLPJIT_ERROR_ARTIFACT, programs.takeError());
  for (const MlpProgram &p : *programs)
    if (llvm::Error e = validateProgram(p))
      return fail(MLPJIT_ERROR_ARTIFACT,
                  std::string(path) + ": " + llvm::toString(std::move(e)));
  if (!context)
    return fail(MLPJIT_ERROR_INVALID_ARGUMENT,
                "mlpjit_program_load: null context");
  const std::string &device = context->impl->device->arch();

  // One program per block name and arch: keep, per block, the first variant
  // whose every kernel runs on this GPU, in the artifact's order.
  std::vector<std::string> names;
  for (const MlpProgram &p : *programs)
    if (!llvm::is_contained(names, p.name))
      names.push_back(p.name);
  std::vector<MlpProgram> chosen;
  for (const std::string &name : names) {
    const MlpProgram *pick = nullptr;
    std::string variants;
    for (const MlpProgram &p : *programs) {
      if (p.name != name)
        continue;
      variants += (variants.empty() ? "" : ", ") + describeCode(p);
      if (!pick && llvm::all_of(p.kernels, [&](const KernelArtifact &k) {
            if (llvm::Error e = checkKernelRunsOn(k, device)) {
              llvm::consumeError(std::move(e));
              return false;
            }
            return true;
          }))
        pick = &p;
    }
    if (!pick)
      return fail(MLPJIT_ERROR_ARCH_MISMATCH,
                  std::string("mlpjit: ") + path + ": block '" + name +
                      "' was compiled for " + variants +
                      ", which cannot run on this " + device +
                      " GPU; rerun mlpjit-compile with --arch " + device);
    chosen.push_back(*pick);
  }
  return makeProgram(context->impl, std::move(chosen), out);
}

void mlpjit_program_destroy(mlpjit_program program) { delete program; }

int mlpjit_program_block_count(mlpjit_program program) {
  if (!program) {
    lastError = "mlpjit_program_block_count: null program";
    return 0;
  }
  return int(program->impl->blocks.size());
}

int mlpjit_program_find_block(mlpjit_program program, const char *name) {
  if (!program || !name)
    return -1;
  const auto &blocks = program->impl->blocks;
  for (size_t i = 0; i < blocks.size(); ++i)
    if (blocks[i].program.name == name)
      return int(i);
  return -1;
}

static mlpjit_status getBlock(mlpjit_program program, int block,
                              const Block *&out, const char *what) {
  if (!program)
    return fail(MLPJIT_ERROR_INVALID_ARGUMENT,
                std::string(what) + ": null program");
  const auto &blocks = program->impl->blocks;
  if (block < 0 || size_t(block) >= blocks.size())
    return fail(MLPJIT_ERROR_INVALID_ARGUMENT,
                std::string(what) + ": no block " + std::to_string(block) +
                    " (the program has " + std::to_string(blocks.size()) + ")");
  out = &blocks[size_t(block)];
  return MLPJIT_OK;
}

mlpjit_status mlpjit_program_block_info(mlpjit_program program, int block,
                                        mlpjit_block_info *out) {
  const Block *b;
  if (mlpjit_status s =
          getBlock(program, block, b, "mlpjit_program_block_info"))
    return s;
  if (!out)
    return fail(MLPJIT_ERROR_INVALID_ARGUMENT,
                "mlpjit_program_block_info: null output");
  const MlpProgram &p = b->program;
  out->name = p.name.c_str();
  out->hidden = p.hidden;
  out->intermediate = p.intermediate;
  out->tokens_min = p.tokensMin;
  out->tokens_max = p.tokensMax;
  out->tensor_parallel = int(p.tensorParallel);
  out->gated = isGated(p.epilogue) ? 1 : 0;
  out->has_bias = p.hasBias ? 1 : 0;
  out->dtype = p.dtype == DType::bf16 ? MLPJIT_BF16 : MLPJIT_FP16;
  out->activation = b->activation.c_str();
  return MLPJIT_OK;
}

mlpjit_status mlpjit_workspace_bytes(mlpjit_program program, int block,
                                     int64_t m_max, size_t *out) {
  const Block *b;
  if (mlpjit_status s = getBlock(program, block, b, "mlpjit_workspace_bytes"))
    return s;
  if (!out)
    return fail(MLPJIT_ERROR_INVALID_ARGUMENT,
                "mlpjit_workspace_bytes: null output");
  const MlpProgram &p = b->program;
  if (m_max < p.tokensMin || m_max > p.tokensMax)
    return fail(MLPJIT_ERROR_INVALID_ARGUMENT,
                "mlpjit_workspace_bytes: m_max = " + std::to_string(m_max) +
                    " is outside block '" + p.name + "''s token range [" +
                    std::to_string(p.tokensMin) + ", " +
                    std::to_string(p.tokensMax) + "]");
  *out = b->kernels->workspaceBytes(m_max);
  return MLPJIT_OK;
}

// --- layers ------------------------------------------------------------------

/// A layer of block `b` whose weights `bind` sets (its error is the call's),
/// handed out in *out.
static mlpjit_status
newLayer(mlpjit_program program, const Block *b, mlpjit_layer *out,
         llvm::function_ref<llvm::Error(MlpLayer &)> bind) {
  auto layer = MlpLayer::create(b->kernels);
  if (!layer)
    return fail(MLPJIT_ERROR_CUDA, layer.takeError());
  if (llvm::Error e = bind(**layer))
    return failCall(std::move(e));
  *out = new mlpjit_layer_t{program->impl, b, std::move(*layer)};
  return MLPJIT_OK;
}

mlpjit_status mlpjit_layer_create(mlpjit_program program, int block,
                                  const mlpjit_weights *weights, void *stream,
                                  mlpjit_layer *out) {
  if (!out)
    return fail(MLPJIT_ERROR_INVALID_ARGUMENT,
                "mlpjit_layer_create: null output handle");
  *out = nullptr;
  const Block *b;
  if (mlpjit_status s = getBlock(program, block, b, "mlpjit_layer_create"))
    return s;
  if (!weights)
    return fail(MLPJIT_ERROR_INVALID_ARGUMENT,
                "mlpjit_layer_create: null weights");
  const mlpjit_weights &w = *weights;
  if (w.gate_up && (w.gate || w.up || w.gate_bias || w.up_bias))
    return fail(MLPJIT_ERROR_INVALID_ARGUMENT,
                "mlpjit_layer_create: give either gate_up (and gate_up_bias) "
                "or gate and up (and their biases), not both");
  if (!w.gate_up && w.gate_up_bias)
    return fail(MLPJIT_ERROR_INVALID_ARGUMENT,
                "mlpjit_layer_create: gate_up_bias without gate_up");
  CUstream s = static_cast<CUstream>(stream);
  return newLayer(program, b, out, [&](MlpLayer &layer) {
    return w.gate_up ? layer.setPackedGateUp(w.gate_up, w.down, w.gate_up_bias,
                                             w.down_bias, s)
                     : layer.setWeights({w.gate, w.up, w.down, w.gate_bias,
                                         w.up_bias, w.down_bias},
                                        s);
  });
}

mlpjit_status mlpjit_layer_create_shared(mlpjit_program program, int block,
                                         mlpjit_layer owner,
                                         mlpjit_layer *out) {
  if (!out)
    return fail(MLPJIT_ERROR_INVALID_ARGUMENT,
                "mlpjit_layer_create_shared: null output handle");
  *out = nullptr;
  const Block *b;
  if (mlpjit_status s =
          getBlock(program, block, b, "mlpjit_layer_create_shared"))
    return s;
  if (!owner)
    return fail(MLPJIT_ERROR_INVALID_ARGUMENT,
                "mlpjit_layer_create_shared: null owner layer");
  // Refuses another block (an ApiError: MLPJIT_ERROR_INVALID_ARGUMENT).
  return newLayer(program, b, out, [&](MlpLayer &layer) {
    return layer.shareWeights(*owner->layer);
  });
}

void mlpjit_layer_destroy(mlpjit_layer layer) { delete layer; }

size_t mlpjit_layer_owned_bytes(mlpjit_layer layer) {
  return layer ? layer->layer->ownedBytes() : 0;
}

mlpjit_status mlpjit_forward(mlpjit_layer layer, const void *x, void *y,
                             int64_t m, void *workspace, size_t workspace_bytes,
                             void *stream) {
  if (!layer)
    return fail(MLPJIT_ERROR_INVALID_ARGUMENT, "mlpjit_forward: null layer");
  // MlpLayer::forward checks everything before it launches; a bad
  // workspace comes back as a WorkspaceError (MLPJIT_ERROR_WORKSPACE).
  if (llvm::Error e = layer->layer->forward(x, y, m, workspace, workspace_bytes,
                                            static_cast<CUstream>(stream)))
    return failCall(std::move(e));
  return MLPJIT_OK;
}

// --- tensor parallelism ------------------------------------------------------

mlpjit_status mlpjit_tensor_parallel_slice(mlpjit_program program, int block,
                                           int rank, mlpjit_tp_slice *out) {
  const Block *b;
  if (mlpjit_status s =
          getBlock(program, block, b, "mlpjit_tensor_parallel_slice"))
    return s;
  if (!out)
    return fail(MLPJIT_ERROR_INVALID_ARGUMENT,
                "mlpjit_tensor_parallel_slice: null output");
  const MlpProgram &p = b->program;
  if (rank < 0 || rank >= p.tensorParallel)
    return fail(MLPJIT_ERROR_INVALID_ARGUMENT,
                "mlpjit_tensor_parallel_slice: rank " + std::to_string(rank) +
                    " is outside [0, " + std::to_string(p.tensorParallel) +
                    ") for block '" + p.name + "'");
  const int64_t i = p.intermediate; // this rank's
  out->row_offset = rank * i;
  out->rows = i;
  out->column_offset = rank * i;
  out->columns = i;
  out->adds_down_bias = rank == 0 ? 1 : 0;
  return MLPJIT_OK;
}

} // extern "C"
