//===- GemmLaunch.cpp -----------------------------------------------------===//
#include "GemmLaunch.h"
#include "mlpjit/Errors.h"

#include "mlpjit/tile_schedule.h"

#include "llvm/ADT/StringRef.h"

#include <climits>
#include <cstring>

using namespace mlpjit;

/// "kernel '<name>': <msg>", the sentence of every launch error.
static std::string launchMessage(const KernelDesc &desc,
                                 const llvm::Twine &msg) {
  return ("kernel '" + desc.name + "': " + msg).str();
}
static llvm::Error launchError(const KernelDesc &desc, const llvm::Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 launchMessage(desc, msg));
}

llvm::Error mlpjit::checkLaunchable(const KernelDesc &desc) {
  if (!findTemplateFamily(desc.templateName))
    return launchError(desc, "unknown template '" + desc.templateName + "'");
  if (llvm::Error e = checkSupported(desc))
    return launchError(desc, llvm::Twine("template ") + desc.templateName +
                                 " does not support this plan: " +
                                 llvm::toString(std::move(e)));
  if (desc.mMin < 1 || desc.mMax < desc.mMin || desc.mMax > INT_MAX)
    return launchError(desc, "invalid token range [" + llvm::Twine(desc.mMin) +
                                 ", " + llvm::Twine(desc.mMax) + "]");
  return llvm::Error::success();
}

llvm::Expected<abi::LaunchShape>
mlpjit::gemmLaunchShape(const KernelDesc &desc, int64_t m, int numSMs,
                        int residentCtas) {
  if (auto e = checkLaunchable(desc))
    return e;
  return findTemplateFamily(desc.templateName)
      ->launchShape(toGemmConfig(desc), int(m), numSMs, residentCtas);
}

size_t mlpjit::gemmWorkspaceBytes(const KernelDesc &desc, int64_t m, int numSMs,
                                  int residentCtas) {
  if (desc.splitK == 1 || m < 1 || desc.tileM < 1 || desc.tileN < 1)
    return 0;
  unsigned ctas = 0;
  if (desc.splitK == kStreamK) {
    // The grid the launch will use; pieces grow with it, not with m alone.
    auto shape = gemmLaunchShape(desc, m, numSMs, residentCtas);
    if (!shape) {
      llvm::consumeError(shape.takeError());
      return 0;
    }
    ctas = shape->grid[0];
  }
  // Every family's formula (tile_schedule.h), as the kernels index it.
  return size_t(workspaceBytes(toGemmConfig(desc), int(m), ctas));
}

size_t mlpjit::gemmCounterBytes(const KernelDesc &desc) {
  if (desc.splitK == 1 || desc.mMax < 1 || desc.tileM < 1 || desc.tileN < 1)
    return 0;
  size_t bytes = size_t(counterCount(toGemmConfig(desc), int(desc.mMax))) *
                 sizeof(unsigned);
  return (bytes + 255) / 256 * 256;
}

TensorMapArgs mlpjit::tensorMapArgs(uint64_t rows, uint64_t cols,
                                    uint32_t boxRows, uint32_t boxCols) {
  TensorMapArgs t{};
  t.globalDim[0] = cols;
  t.globalDim[1] = rows;
  t.globalStride[0] = cols * 2; // 16-bit elements, rows packed
  t.boxDim[0] = boxCols;
  t.boxDim[1] = boxRows;
  t.swizzleBytes = 128;
  return t;
}

// kernel_abi.h: box rows min(tileM, 256) for A, or with clusterN > 1
// tileM / clusterN rounded up to 8 (each CTA of the cluster loads a slice of
// the token tile and multicasts it), and min(tileN / clusterM, 256) for B
// (the same for the weight tile). Written out here, not taken from
// sm90/launch.h, so that a test can hold both to the ABI's text.
TensorMapArgs mlpjit::tensorMapArgsA(const KernelDesc &desc, int64_t rows) {
  const int64_t slices = desc.clusterN > 0 ? desc.clusterN : 1;
  uint32_t boxRows = uint32_t(slices > 1 ? (desc.tileM / slices + 7) / 8 * 8
                              : desc.tileM < 256 ? desc.tileM
                                                 : 256);
  return tensorMapArgs(uint64_t(rows), uint64_t(desc.k), boxRows,
                       uint32_t(desc.tileK));
}

ExactLastTile mlpjit::exactLastTileOf(const KernelDesc &desc, int64_t rows) {
  if (desc.tileM <= 0 || desc.tileM > 256 || desc.clusterN > 1)
    return {};
  const int64_t ragged = rows % desc.tileM;
  if (ragged == 0)
    return {};
  return {rows - ragged, ragged};
}

/// Wide swapAB (256 weight rows) and ping-pong swapAB (128, one tile per
/// consumer; kernel_abi.h): two MMAs per consumer warpgroup.
static bool twoMmaRows(const KernelDesc &desc) {
  const TemplateFamily *family = findTemplateFamily(desc.templateName);
  return desc.swapAB && (desc.tileN == 256 ||
                         (desc.tileN == 128 && family && family->pingPong));
}

TensorMapArgs mlpjit::tensorMapArgsB(const KernelDesc &desc) {
  int slice = desc.tileN / (desc.clusterM > 0 ? desc.clusterM : 1);
  uint32_t rows = uint32_t(slice < 256 ? slice : 256);
  TensorMapArgs t = tensorMapArgs(uint64_t(desc.n), uint64_t(desc.k), rows,
                                  uint32_t(desc.tileK));
  if (twoMmaRows(desc) && isGated(desc.epilogue)) {
    // {k, B, gate|up, n / 2B}: one box is the tile's gate (or up) rows.
    const uint64_t block = uint64_t(desc.interleaveRows);
    t.rank = 4;
    t.globalDim[1] = block;
    t.globalDim[2] = 2;
    t.globalDim[3] = uint64_t(desc.n) / (2 * block);
    t.globalStride[1] = t.globalStride[0] * block;
    t.globalStride[2] = t.globalStride[1] * 2;
    t.boxDim[1] = uint32_t(block);
    t.boxDim[2] = 1;
    t.boxDim[3] = uint32_t(uint64_t(desc.tileN) / 2 / block);
  }
  return t;
}

TensorMapArgs mlpjit::tensorMapArgsD(const KernelDesc &desc, int64_t rows) {
  const int64_t tileCols = isGated(desc.epilogue) ? desc.tileN / 2 : desc.tileN;
  // swapAB tiles that store Dᵀ (wide and ping-pong ones, and narrow plain
  // ones): each warp's 16 output columns.
  const bool transposed =
      desc.swapAB && (twoMmaRows(desc) || !isGated(desc.epilogue));
  uint32_t cols = transposed           ? 16
                  : tileCols % 64 == 0 ? 64
                  : tileCols % 32 == 0 ? 32
                                       : 16;
  // Transposed: the token tile, or half of it (rounded up to 8 tokens)
  // above 128 tokens.
  uint32_t boxRows = !transposed ? 64
                     : desc.tileM <= 128
                         ? uint32_t(desc.tileM)
                         : uint32_t((desc.tileM / 2 + 7) / 8 * 8);
  TensorMapArgs t = tensorMapArgs(
      uint64_t(rows), uint64_t(desc.outputColumns()), boxRows, cols);
  t.swizzleBytes = cols * 2;
  return t;
}

static llvm::Error encodeTensorMap(const Driver &d, const KernelDesc &desc,
                                   abi::TmaDescriptor &out, const void *base,
                                   const TensorMapArgs &t, const char *what) {
  // Same bytes; the host-side CUtensorMap of CUDA 13 is over-aligned (128),
  // the kernel parameter needs 64, so the encoded map is copied over.
  static_assert(sizeof(abi::TmaDescriptor) == sizeof(CUtensorMap),
                "the ABI's descriptor must be a CUtensorMap");
  cuuint64_t dims[4];
  cuuint64_t strides[3];
  cuuint32_t box[4];
  cuuint32_t elementStrides[4] = {1, 1, 1, 1};
  for (uint32_t i = 0; i < t.rank; ++i) {
    dims[i] = t.globalDim[i];
    box[i] = t.boxDim[i];
    if (i + 1 < t.rank)
      strides[i] = t.globalStride[i];
  }
  CUtensorMap map;
  CUresult r = d.cuTensorMapEncodeTiled(
      &map,
      desc.dtype == DType::bf16 ? CU_TENSOR_MAP_DATA_TYPE_BFLOAT16
                                : CU_TENSOR_MAP_DATA_TYPE_FLOAT16,
      t.rank, const_cast<void *>(base), dims, strides, box, elementStrides,
      CU_TENSOR_MAP_INTERLEAVE_NONE,
      t.swizzleBytes == 32   ? CU_TENSOR_MAP_SWIZZLE_32B
      : t.swizzleBytes == 64 ? CU_TENSOR_MAP_SWIZZLE_64B
                             : CU_TENSOR_MAP_SWIZZLE_128B,
      CU_TENSOR_MAP_L2_PROMOTION_L2_256B,
      // NONE fills out-of-bounds elements with zero (the ragged last tile).
      CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE);
  if (r != CUDA_SUCCESS)
    return llvm::make_error<DriverError>(
        launchMessage(desc, llvm::Twine("cuTensorMapEncodeTiled for ") + what +
                                " failed: " + d.describe(r)));
  std::memcpy(&out, &map, sizeof(out));
  return llvm::Error::success();
}

int64_t mlpjit::wholeTileRows(const KernelDesc &desc, int64_t m) {
  const int64_t tile =
      int64_t(desc.tileM) * (desc.clusterM > 0 ? desc.clusterM : 1);
  return tile > 0 ? (m + tile - 1) / tile * tile : m;
}

static bool aligned16(const void *p) {
  return (reinterpret_cast<uintptr_t>(p) & 15) == 0;
}

llvm::Error mlpjit::checkGemmOperands(const KernelDesc &desc,
                                      const GemmOperands &ops) {
  if (ops.m < desc.mMin || ops.m > desc.mMax)
    return launchError(
        desc, "M = " + llvm::Twine(ops.m) + " is outside the plan's range [" +
                  llvm::Twine(desc.mMin) + ", " + llvm::Twine(desc.mMax) + "]");
  if (ops.aRows < ops.m || ops.dRows < ops.m)
    return launchError(
        desc, "A and D must declare at least M = " + llvm::Twine(ops.m) +
                  " rows, got " + llvm::Twine(ops.aRows) + " and " +
                  llvm::Twine(ops.dRows));
  const std::pair<const void *, const char *> required[] = {
      {ops.a, "A (activations)"},
      {ops.b, "B (weights)"},
      {ops.d, "D (output)"}};
  for (auto [p, what] : required) {
    if (!p)
      return launchError(desc, llvm::Twine(what) + " is a null pointer");
    if (!aligned16(p))
      return launchError(desc, llvm::Twine(what) + " is not 16-byte aligned");
  }
  if (desc.hasBias && !ops.bias)
    return launchError(desc, "the plan has a bias but none was given");
  if (!desc.hasBias && ops.bias)
    return launchError(desc, "a bias was given but the plan has none");
  if (ops.bias && !aligned16(ops.bias))
    return launchError(desc, "the bias is not 16-byte aligned");
  if (desc.splitK != 1) {
    if (!ops.workspace || !ops.counters)
      return launchError(desc, "split-K needs a workspace and zeroed counters");
    if (!aligned16(ops.workspace) || !aligned16(ops.counters))
      return launchError(desc, "split-K scratch is not 16-byte aligned");
  }
  if ((ops.nextCounters == nullptr) != (ops.nextCounterBytes == 0) ||
      !aligned16(ops.nextCounters) || ops.nextCounterBytes % 4 != 0 ||
      ops.nextCounterBytes / 4 > size_t(INT32_MAX))
    return launchError(desc, "the next kernel's counters need a 16-byte "
                             "aligned pointer and a whole number of words");
  return llvm::Error::success();
}

llvm::Error mlpjit::launchGemm(const Driver &d, CUfunction fn,
                               const KernelDesc &desc, const GemmOperands &ops,
                               CUstream stream, int numSMs, int residentCtas) {
  if (auto e = checkGemmOperands(desc, ops))
    return e;
  auto shape = gemmLaunchShape(desc, ops.m, numSMs, residentCtas);
  if (!shape)
    return shape.takeError();

  abi::GemmParams p;
  std::memset(&p, 0, sizeof(p));
  p.a = ops.a;
  p.b = ops.b;
  p.bias = ops.bias;
  p.d = ops.d;
  p.m = int(ops.m);
  p.n = int(desc.n);
  p.k = int(desc.k);
  if (desc.splitK != 1) {
    p.workspace = static_cast<float *>(ops.workspace);
    p.counters = static_cast<unsigned *>(ops.counters);
  }
  p.nextCounters = static_cast<unsigned *>(ops.nextCounters);
  p.nextCounterCount = int(ops.nextCounterBytes / 4);
  const TemplateFamily *family = findTemplateFamily(desc.templateName);
  if (family->usesTensorMaps) {
    TensorMapArgs mapA = tensorMapArgsA(desc, ops.aRows);
    if (auto e = encodeTensorMap(d, desc, p.tmaA, ops.a, mapA, "A"))
      return e;
    if (ops.exactLastTileA) {
      const ExactLastTile last = exactLastTileOf(desc, ops.aRows);
      if (last.rows > 0) {
        mapA.boxDim[1] = uint32_t(last.rows); // the same map, a shorter box
        if (auto e = encodeTensorMap(d, desc, p.tmaALast, ops.a, mapA,
                                     "A's last token tile"))
          return e;
        p.aLastM0 = int(last.m0);
        p.aLastRows = int(last.rows);
      }
    }
    if (auto e =
            encodeTensorMap(d, desc, p.tmaB, ops.b, tensorMapArgsB(desc), "B"))
      return e;
    if (family->storesWithTma && family->storesWithTma(toGemmConfig(desc)))
      if (auto e = encodeTensorMap(d, desc, p.tmaD, ops.d,
                                   tensorMapArgsD(desc, ops.dRows), "D"))
        return e;
  }

  CUlaunchConfig config{};
  config.gridDimX = shape->grid[0];
  config.gridDimY = shape->grid[1];
  config.gridDimZ = shape->grid[2];
  config.blockDimX = shape->block[0];
  config.blockDimY = shape->block[1];
  config.blockDimZ = shape->block[2];
  config.sharedMemBytes = shape->sharedBytes;
  config.hStream = stream;
  CUlaunchAttribute attrs[2]{};
  config.attrs = attrs;
  if (shape->cluster[0] * shape->cluster[1] * shape->cluster[2] > 1) {
    CUlaunchAttribute &cluster = attrs[config.numAttrs++];
    cluster.id = CU_LAUNCH_ATTRIBUTE_CLUSTER_DIMENSION;
    cluster.value.clusterDim.x = shape->cluster[0];
    cluster.value.clusterDim.y = shape->cluster[1];
    cluster.value.clusterDim.z = shape->cluster[2];
  }
  if (ops.dependent && family->waitsForPrimary) {
    CUlaunchAttribute &pdl = attrs[config.numAttrs++];
    pdl.id = CU_LAUNCH_ATTRIBUTE_PROGRAMMATIC_STREAM_SERIALIZATION;
    pdl.value.programmaticStreamSerializationAllowed = 1;
  }
  void *args[] = {&p};
  CUresult r = d.cuLaunchKernelEx(&config, fn, args, nullptr);
  if (r != CUDA_SUCCESS)
    return launchError(desc, "launch failed: " + d.describe(r));
  return llvm::Error::success();
}
