//===- TensorParallel.cpp - NCCL loading and the tensor-parallel MLP ------===//
#include "mlpjit/TensorParallel.h"

#include "llvm/ADT/StringExtras.h"

#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <type_traits>

using namespace mlpjit;

//===----------------------------------------------------------------------===//
// NCCL, loaded at run time
//===----------------------------------------------------------------------===//

namespace {
// The few nccl.h types used, declared here so that neither the runtime nor
// its users need NCCL's headers; tests check them against nccl.h. Enums are
// ints in NCCL's C ABI.
using NcclResult = int;  // ncclResult_t: 0 = ncclSuccess
using NcclComm = void *; // ncclComm_t
struct RawUniqueId {     // ncclUniqueId, passed by value
  char internal[128];
};
constexpr int kNcclSum = 0, kNcclFloat16 = 6, kNcclBfloat16 = 9;
} // namespace

#if __has_include(<nccl.h>)
#include <nccl.h>
static_assert(sizeof(ncclResult_t) == sizeof(NcclResult) && ncclSuccess == 0);
static_assert(sizeof(ncclUniqueId) == sizeof(RawUniqueId) &&
              sizeof(ncclUniqueId) == sizeof(NcclUniqueId::bytes));
static_assert(ncclSum == kNcclSum && ncclFloat16 == kNcclFloat16 &&
              ncclBfloat16 == kNcclBfloat16);
static_assert(sizeof(ncclDataType_t) == sizeof(int) &&
              sizeof(ncclRedOp_t) == sizeof(int));
#endif

namespace {

struct Nccl {
  NcclResult (*getVersion)(int *) = nullptr;
  NcclResult (*getUniqueId)(RawUniqueId *) = nullptr;
  NcclResult (*commInitRank)(NcclComm *, int, RawUniqueId, int) = nullptr;
  NcclResult (*commDestroy)(NcclComm) = nullptr;
  NcclResult (*commCount)(NcclComm, int *) = nullptr;
  NcclResult (*commUserRank)(NcclComm, int *) = nullptr;
  NcclResult (*commCuDevice)(NcclComm, int *) = nullptr;
  NcclResult (*allReduce)(const void *, void *, size_t, int, int, NcclComm,
                          CUstream) = nullptr;
  NcclResult (*reduceScatter)(const void *, void *, size_t, int, int, NcclComm,
                              CUstream) = nullptr;
  const char *(*getErrorString)(NcclResult) = nullptr;
  const char *(*getLastError)(NcclComm) = nullptr; // optional (>= 2.13)
  std::string path, error;                         // error empty: loaded

  /// "ncclX failed: <NCCL's message>[: <last error>]".
  std::string describe(const char *what, NcclResult result,
                       NcclComm comm) const {
    std::string s = std::string(what) + " failed: " + getErrorString(result);
    const char *last = getLastError ? getLastError(comm) : nullptr;
    if (last && *last)
      s += std::string(": ") + last;
    return s;
  }
};

Nccl loadNccl() {
  Nccl n;
  const char *env = std::getenv("MLPJIT_NCCL_LIBRARY");
  n.path = env && *env ? env : "libnccl.so.2";
  // NVLink multicast (NVLS) stays off: NCCL reads this when it makes a
  // communicator, so set it before anything can make one.
  setenv("NCCL_NVLS_ENABLE", "0", /*overwrite=*/1);
  void *lib = dlopen(n.path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    const char *why = dlerror();
    n.error = "mlpjit: cannot load NCCL (" + n.path +
              "): " + (why ? why : "unknown reason") +
              "; tensor parallelism needs NCCL 2 (MLPJIT_NCCL_LIBRARY "
              "names its library)";
    return n;
  }
  auto bind = [&](auto &fn, const char *name, bool required = true) {
    fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(
        dlsym(lib, name));
    if (!fn && required && n.error.empty())
      n.error = "mlpjit: NCCL (" + n.path + ") lacks " + name + " (too old?)";
  };
  bind(n.getVersion, "ncclGetVersion");
  bind(n.getUniqueId, "ncclGetUniqueId");
  bind(n.commInitRank, "ncclCommInitRank");
  bind(n.commDestroy, "ncclCommDestroy");
  bind(n.commCount, "ncclCommCount");
  bind(n.commUserRank, "ncclCommUserRank");
  bind(n.commCuDevice, "ncclCommCuDevice");
  bind(n.allReduce, "ncclAllReduce");
  bind(n.reduceScatter, "ncclReduceScatter");
  bind(n.getErrorString, "ncclGetErrorString");
  bind(n.getLastError, "ncclGetLastError", /*required=*/false);
  return n;
}

llvm::Expected<const Nccl &> getNccl() {
  static const Nccl nccl = loadNccl();
  if (!nccl.error.empty())
    return llvm::createStringError(llvm::inconvertibleErrorCode(), nccl.error);
  return nccl;
}

llvm::Error ncclError(const llvm::Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "mlpjit: " + msg);
}
} // namespace

std::string NcclUniqueId::toHex() const {
  return llvm::toHex(llvm::ArrayRef(
      reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size()));
}

llvm::Expected<NcclUniqueId> NcclUniqueId::fromHex(llvm::StringRef hex) {
  NcclUniqueId id;
  std::string raw;
  if (hex.size() != 2 * id.bytes.size() || !llvm::tryGetFromHex(hex, raw))
    return ncclError("an NCCL unique id is " +
                     llvm::Twine(2 * id.bytes.size()) + " hex digits, got '" +
                     hex.take_front(32) + (hex.size() > 32 ? "...'" : "'"));
  std::memcpy(id.bytes.data(), raw.data(), id.bytes.size());
  return id;
}

llvm::Expected<NcclVersion> mlpjit::ncclVersion() {
  auto nccl = getNccl();
  if (!nccl)
    return nccl.takeError();
  int code = 0;
  if (NcclResult res = nccl->getVersion(&code))
    return ncclError(nccl->describe("ncclGetVersion", res, nullptr));
  // NCCL_VERSION(X, Y, Z): X*1000 + Y*100 + Z up to 2.8, X*10000 + Y*100 + Z
  // since 2.9.
  if (code >= 10000)
    return NcclVersion{code / 10000, code / 100 % 100, code % 100};
  return NcclVersion{code / 1000, code / 100 % 10, code % 100};
}

llvm::Expected<NcclUniqueId> mlpjit::newNcclUniqueId() {
  auto nccl = getNccl();
  if (!nccl)
    return nccl.takeError();
  RawUniqueId raw;
  if (NcclResult res = nccl->getUniqueId(&raw))
    return ncclError(nccl->describe("ncclGetUniqueId", res, nullptr));
  NcclUniqueId id;
  std::memcpy(id.bytes.data(), raw.internal, id.bytes.size());
  return id;
}

TensorParallelSlice mlpjit::tensorParallelSlice(const MlpProgram &program,
                                                int rank) {
  TensorParallelSlice s;
  s.rows = s.columns = program.intermediate;
  s.rowOffset = s.columnOffset = rank * program.intermediate;
  s.addsDownBias = program.hasBias && rank == 0;
  return s;
}

//===----------------------------------------------------------------------===//
// TensorParallelMlp
//===----------------------------------------------------------------------===//

static constexpr size_t kElementBytes = 2; // bf16 and fp16

static llvm::Error tpError(const MlpProgram &p, int rank,
                           const llvm::Twine &msg) {
  return ncclError("tensor-parallel MLP '" + p.name + "' (rank " +
                   llvm::Twine(rank) + " of " + llvm::Twine(p.tensorParallel) +
                   "): " + msg);
}

static bool misaligned(const void *p) {
  return (reinterpret_cast<uintptr_t>(p) & 15) != 0;
}

llvm::Expected<std::unique_ptr<TensorParallelMlp>>
TensorParallelMlp::init(const MlpProgram &shard, const DeviceContext &context,
                        int rank) {
  std::unique_ptr<TensorParallelMlp> tp(new TensorParallelMlp(context));
  auto mlp = Mlp::load(shard, context);
  if (!mlp)
    return mlp.takeError();
  tp->mlp = std::move(*mlp);
  tp->r = rank;
  if (auto e = tp->allocateBuffers())
    return e;
  return tp;
}

llvm::Expected<std::unique_ptr<TensorParallelMlp>>
TensorParallelMlp::load(const MlpProgram &shard, const DeviceContext &context,
                        void *ncclComm) {
  auto nccl = getNccl();
  if (!nccl)
    return nccl.takeError();
  if (auto e = validateProgram(shard))
    return e;
  auto fail = [&](const llvm::Twine &msg) {
    return ncclError("tensor-parallel MLP '" + shard.name + "': " + msg);
  };
  if (!ncclComm)
    return fail("null NCCL communicator");
  int count = 0, rank = 0, device = -1;
  if (NcclResult res = nccl->commCount(ncclComm, &count))
    return fail(nccl->describe("ncclCommCount", res, ncclComm));
  if (NcclResult res = nccl->commUserRank(ncclComm, &rank))
    return fail(nccl->describe("ncclCommUserRank", res, ncclComm));
  if (NcclResult res = nccl->commCuDevice(ncclComm, &device))
    return fail(nccl->describe("ncclCommCuDevice", res, ncclComm));
  if (count != shard.tensorParallel)
    return fail("the communicator has " + llvm::Twine(count) +
                " ranks, the program is a shard for " +
                llvm::Twine(shard.tensorParallel));
  if (device != context.device())
    return fail("the communicator is on GPU " + llvm::Twine(device) +
                ", the context on GPU " + llvm::Twine(context.device()));
  auto tp = init(shard, context, rank);
  if (!tp)
    return tp.takeError();
  (*tp)->comm = ncclComm;
  return tp;
}

llvm::Expected<std::unique_ptr<TensorParallelMlp>>
TensorParallelMlp::create(const MlpProgram &shard, const DeviceContext &context,
                          const NcclUniqueId &id, int rank) {
  auto nccl = getNccl();
  if (!nccl)
    return nccl.takeError();
  if (auto e = validateProgram(shard))
    return e;
  if (rank < 0 || rank >= shard.tensorParallel)
    return ncclError("tensor-parallel MLP '" + shard.name + "': rank " +
                     llvm::Twine(rank) + " is outside [0, " +
                     llvm::Twine(shard.tensorParallel) + ")");
  // Everything local first, so that a bad program fails before the
  // collective that the other ranks wait in.
  auto tp = init(shard, context, rank);
  if (!tp)
    return tp.takeError();
  if (auto e = context.makeCurrent()) // NCCL takes the current device
    return e;
  RawUniqueId raw;
  std::memcpy(raw.internal, id.bytes.data(), sizeof(raw.internal));
  NcclComm comm = nullptr;
  if (NcclResult res =
          nccl->commInitRank(&comm, int(shard.tensorParallel), raw, rank))
    return tpError(shard, rank,
                   nccl->describe("ncclCommInitRank", res, nullptr));
  (*tp)->comm = comm;
  (*tp)->ownsComm = true;
  return tp;
}

llvm::Error TensorParallelMlp::allocateBuffers() {
  const MlpProgram &p = mlp->program();
  if (p.hasBias && r != 0) {
    auto b = DeviceBuffer::allocate(ctx, size_t(p.hidden) * kElementBytes);
    if (!b)
      return b.takeError();
    zeroDownBias = std::move(*b);
    const Driver &d = ctx.driver();
    // Finished here: forward's non-blocking streams do not wait for the
    // legacy stream the memset runs on.
    if (auto e =
            d.check(d.cuMemsetD8(zeroDownBias.ptr(), 0, zeroDownBias.size()),
                    "zeroing the down bias of a rank != 0"))
      return e;
    if (auto e = d.check(d.cuCtxSynchronize(),
                         "zeroing the down bias of a rank != 0"))
      return e;
  }
  auto b = DeviceBuffer::allocate(ctx, size_t(p.tokensMax) * p.hidden *
                                           kElementBytes);
  if (!b)
    return tpError(p, r,
                   "allocating the reduce-scatter buffer: " +
                       llvm::toString(b.takeError()));
  partial = std::move(*b);
  return llvm::Error::success();
}

TensorParallelMlp::~TensorParallelMlp() {
  if (ownsComm && comm) {
    auto nccl = getNccl();
    if (nccl) {
      llvm::consumeError(ctx.makeCurrent());
      nccl->commDestroy(comm);
    } else {
      llvm::consumeError(nccl.takeError());
    }
  }
}

size_t TensorParallelMlp::ownedBytes() const {
  return mlp->ownedBytes() + downSlice.size() + zeroDownBias.size() +
         partial.size();
}

llvm::Error TensorParallelMlp::bind(WeightPointers shard, CUstream stream) {
  // Ranks != 0 add zeros where rank 0 adds the down bias.
  if (r != 0 && mlp->program().hasBias)
    shard.downBias = zeroDownBias.get();
  if (auto e = mlp->setWeights(shard, stream))
    return e;
  weightsSet = true;
  return llvm::Error::success();
}

llvm::Error TensorParallelMlp::setShardWeights(const WeightPointers &shard,
                                               CUstream stream) {
  weightsSet = false;
  if (r != 0 && shard.downBias)
    return tpError(program(), r,
                   "the down bias is added by rank 0 only; pass null on the "
                   "other ranks");
  return bind(shard, stream);
}

llvm::Error TensorParallelMlp::setFullWeights(const WeightPointers &full,
                                              CUstream stream) {
  weightsSet = false;
  const MlpProgram &p = program();
  if (!full.down)
    return tpError(p, r, "the down weight is required");
  if (bool(full.downBias) != p.hasBias)
    return tpError(p, r,
                   p.hasBias ? "the MLP has biases: the down bias is required"
                             : "the MLP has no biases but a down bias was "
                               "given");
  if (misaligned(full.down))
    return tpError(p, r, "weight pointers must be 16-byte aligned");
  if (auto e = ctx.makeCurrent())
    return e;
  const TensorParallelSlice s = tensorParallelSlice(p, r);
  auto rowsOf = [&](const void *w, size_t rowBytes) -> const void * {
    return w ? static_cast<const char *>(w) + s.rowOffset * rowBytes : nullptr;
  };
  WeightPointers shard;
  shard.gate = rowsOf(full.gate, p.hidden * kElementBytes);
  shard.up = rowsOf(full.up, p.hidden * kElementBytes);
  shard.gateBias = rowsOf(full.gateBias, kElementBytes);
  shard.upBias = rowsOf(full.upBias, kElementBytes);
  shard.downBias = s.addsDownBias ? full.downBias : nullptr;

  // Down columns [columnOffset, +columns) of [hidden, N*I]: a strided copy.
  const size_t sliceRowBytes = size_t(s.columns) * kElementBytes;
  if (!downSlice.ptr()) {
    auto b = DeviceBuffer::allocate(ctx, size_t(p.hidden) * sliceRowBytes);
    if (!b)
      return tpError(
          p, r, "allocating the down slice: " + llvm::toString(b.takeError()));
    downSlice = std::move(*b);
  }
  CUDA_MEMCPY2D copy{};
  copy.srcMemoryType = CU_MEMORYTYPE_DEVICE;
  copy.srcDevice = reinterpret_cast<CUdeviceptr>(full.down) +
                   size_t(s.columnOffset) * kElementBytes;
  copy.srcPitch = size_t(p.tensorParallel) * sliceRowBytes;
  copy.dstMemoryType = CU_MEMORYTYPE_DEVICE;
  copy.dstDevice = downSlice.ptr();
  copy.dstPitch = sliceRowBytes;
  copy.WidthInBytes = sliceRowBytes;
  copy.Height = size_t(p.hidden);
  const Driver &d = ctx.driver();
  if (auto e = d.check(d.cuMemcpy2DAsync(&copy, stream),
                       "copying the down weight's columns"))
    return e;
  shard.down = downSlice.get();
  return bind(shard, stream);
}

llvm::Error TensorParallelMlp::checkForward(const void *x, const void *y,
                                            int64_t m, const char *what) const {
  const MlpProgram &p = program();
  if (!weightsSet)
    return tpError(
        p, r, llvm::Twine(what) + " before setShardWeights/setFullWeights");
  if (m < p.tokensMin || m > p.tokensMax)
    return tpError(p, r,
                   llvm::Twine(what) + ": M = " + llvm::Twine(m) +
                       " is outside the compiled token range [" +
                       llvm::Twine(p.tokensMin) + ", " +
                       llvm::Twine(p.tokensMax) + "]");
  if (!x || !y)
    return tpError(p, r, llvm::Twine(what) + ": null pointer");
  if (misaligned(x) || misaligned(y))
    return tpError(p, r,
                   llvm::Twine(what) + ": pointers must be 16-byte aligned");
  return llvm::Error::success();
}

llvm::Error TensorParallelMlp::collective(const char *what, int result) const {
  if (result == 0)
    return llvm::Error::success();
  auto nccl = getNccl(); // loaded: this object exists
  if (!nccl)
    return nccl.takeError();
  return tpError(program(), r, nccl->describe(what, result, comm));
}

static int ncclType(DType t) {
  return t == DType::bf16 ? kNcclBfloat16 : kNcclFloat16;
}

llvm::Error TensorParallelMlp::forward(const void *x, void *y, int64_t m,
                                       CUstream stream) const {
  if (auto e = checkForward(x, y, m, "forward"))
    return e;
  if (auto e = mlp->forward(x, y, m, stream))
    return e;
  auto nccl = getNccl();
  if (!nccl)
    return nccl.takeError();
  const MlpProgram &p = program();
  return collective("ncclAllReduce",
                    nccl->allReduce(y, y, size_t(m) * p.hidden,
                                    ncclType(p.dtype), kNcclSum, comm, stream));
}

llvm::Error TensorParallelMlp::forwardReduceScatter(const void *x, void *yShard,
                                                    int64_t m,
                                                    CUstream stream) const {
  if (auto e = checkForward(x, yShard, m, "forwardReduceScatter"))
    return e;
  const MlpProgram &p = program();
  if (m % p.tensorParallel)
    return tpError(p, r,
                   "forwardReduceScatter: M = " + llvm::Twine(m) +
                       " is not a multiple of the " +
                       llvm::Twine(p.tensorParallel) + " ranks");
  if (auto e = mlp->forward(x, partial.get(), m, stream))
    return e;
  auto nccl = getNccl();
  if (!nccl)
    return nccl.takeError();
  return collective("ncclReduceScatter",
                    nccl->reduceScatter(partial.get(), yShard,
                                        size_t(m / p.tensorParallel) * p.hidden,
                                        ncclType(p.dtype), kNcclSum, comm,
                                        stream));
}

llvm::Error TensorParallelMlp::allReduce(void *y, int64_t m,
                                         CUstream stream) const {
  const MlpProgram &p = program();
  if (m < 1 || m > p.tokensMax)
    return tpError(p, r,
                   "allReduce: M = " + llvm::Twine(m) + " is outside [1, " +
                       llvm::Twine(p.tokensMax) + "]");
  if (!y || misaligned(y))
    return tpError(p, r, "allReduce: y must be a 16-byte aligned pointer");
  if (auto e = ctx.ensureCurrent())
    return e;
  auto nccl = getNccl();
  if (!nccl)
    return nccl.takeError();
  return collective("ncclAllReduce",
                    nccl->allReduce(y, y, size_t(m) * p.hidden,
                                    ncclType(p.dtype), kNcclSum, comm, stream));
}
