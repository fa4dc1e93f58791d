//===- Codegen.cpp - KernelDesc to a CUDA translation unit ----------------===//
#include "mlpjit/Codegen/Codegen.h"

#include "TemplateFamily.h"
#include "mlpjit/Codegen/KernelCache.h"
#include "mlpjit/Codegen/Nvrtc.h"
#include "mlpjit/Codegen/TemplateHeaders.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlpjit;
using namespace mlpjit::codegen;

static bool isIdentifier(llvm::StringRef name) {
  return !name.empty() && !llvm::isDigit(name.front()) &&
         llvm::all_of(name,
                      [](char c) { return llvm::isAlnum(c) || c == '_'; });
}

llvm::Error codegen::validateKernel(const KernelDesc &desc) {
  auto fail = [&](const llvm::Twine &why) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "kernel '" + desc.name + "' (" +
                                       desc.templateName + ", " + desc.arch +
                                       "): " + why);
  };
  if (!isIdentifier(desc.name))
    return fail("the entry point name is not a C identifier");
  const TemplateFamily *family = findTemplateFamily(desc.templateName);
  if (!family)
    return fail("unknown kernel template (known: " + templateFamilyNames() +
                ")");
  auto arch = Arch::parse(desc.arch);
  if (!arch)
    return fail(llvm::toString(arch.takeError()));
  if (llvm::Error e = family->checkArch(*arch))
    return fail(llvm::toString(std::move(e)));
  if (desc.n <= 0 || desc.k <= 0 || desc.n % 8 || desc.k % 8)
    return fail(llvm::formatv("n = {0} and k = {1} must be positive multiples "
                              "of 8 (16-byte rows)",
                              desc.n, desc.k));
  if (desc.n > (1ll << 31) - 1 || desc.k > (1ll << 31) - 1)
    return fail("n and k must fit in 32 bits");
  if (isGated(desc.epilogue)) {
    if (!isSupportedGateUpBlock(desc.interleaveRows))
      return fail(llvm::formatv("gated epilogue needs interleaveRows of 8, 16, "
                                "32 or 64, got {0}",
                                desc.interleaveRows));
    if (desc.n % (2 * desc.interleaveRows))
      return fail(llvm::formatv("gated epilogue {0} needs n % {1} == 0 (gate "
                                "and up interleaved in {2}-row blocks), n = "
                                "{3}",
                                toString(desc.epilogue),
                                2 * desc.interleaveRows, desc.interleaveRows,
                                desc.n));
  }
  if (desc.mMin < 1 || desc.mMax < desc.mMin || desc.mMax > (1ll << 31) - 1)
    return fail(
        llvm::formatv("invalid token range [{0}, {1}]", desc.mMin, desc.mMax));
  if (const char *unsupported = family->supports(toGemmConfig(desc)))
    return fail(llvm::formatv(
        "tile {0}x{1}x{2}, {3} stages, cluster {4}x{5}, splitK {6}, swapAB "
        "{7}: {8}",
        desc.tileM, desc.tileN, desc.tileK, desc.stages, desc.clusterM,
        desc.clusterN, desc.splitK, desc.swapAB ? "on" : "off", unsupported));
  return llvm::Error::success();
}

/// The epilogue functor of templates/mlpjit/epilogue.cuh for each Epilogue,
/// in the enum's order.
static llvm::StringRef epilogueType(Epilogue e) {
  static constexpr const char *kTypes[] = {
      "Identity", "Silu",      "GeluTanh", "GeluErf", "Relu",
      "SwiGLU",   "GeGLUTanh", "GeGLUErf", "ReGLU"};
  static_assert(std::size(kTypes) == size_t(Epilogue::reglu) + 1,
                "an epilogue without a functor");
  return kTypes[size_t(e)];
}

std::string codegen::generateKernelSource(const KernelDesc &desc) {
  const TemplateFamily *family = findTemplateFamily(desc.templateName);
  assert(family && "validateKernel first");
  bool bf16 = desc.dtype == DType::bf16;
  std::string source;
  llvm::raw_string_ostream os(source);
  os << "// mlpjit kernel " << desc.name << " for " << desc.arch << "\n"
     << llvm::formatv("// plan: {0} GEMM, D[m, {1}] = {2}(A[m, {3}] * "
                      "W[{4}, {3}]^T{5}), {6}\n",
                      toString(desc.role), desc.outputColumns(),
                      toString(desc.epilogue), desc.k, desc.n,
                      desc.hasBias ? " + bias" : "", toString(desc.dtype))
     << llvm::formatv("// template {0}: tile {1}x{2}x{3}, {4} stages, cluster "
                      "{5}x{6}, splitK {7}, swapAB {8}\n",
                      desc.templateName, desc.tileM, desc.tileN, desc.tileK,
                      desc.stages, desc.clusterM, desc.clusterN, desc.splitK,
                      desc.swapAB ? "on" : "off")
     << (bf16 ? "#include <cuda_bf16.h>\n" : "#include <cuda_fp16.h>\n")
     << "#include \"" << family->header << "\"\n\n"
     << llvm::formatv(
            "using Kernel = {0}<{1}, mlpjit::epilogue::{2}, {3}, {4}, {5}, "
            "{6}, {7}, {8}, {9}, {10}, {11}, {12}LL, {13}LL, {14}>;\n\n",
            family->className, bf16 ? "__nv_bfloat16" : "__half",
            epilogueType(desc.epilogue), desc.tileM, desc.tileN, desc.tileK,
            desc.stages, desc.clusterM, desc.clusterN, desc.splitK,
            desc.swapAB ? "true" : "false", desc.hasBias ? "true" : "false",
            desc.n, desc.k,
            isGated(desc.epilogue) ? desc.interleaveRows : int64_t(0))
     << "extern \"C\" __global__ void __launch_bounds__(Kernel::kThreads, 1)\n"
     << desc.name << "(const __grid_constant__ mlpjit::abi::GemmParams p) {\n"
     << "  Kernel::run(p);\n"
     << "}\n";
  return source;
}

llvm::Expected<CompiledKernelArtifact>
codegen::compileKernel(const KernelDesc &desc, KernelCache *cache,
                       bool withCubin) {
  if (llvm::Error err = validateKernel(desc))
    return err;
  CompiledKernelArtifact artifact;
  artifact.source = generateKernelSource(desc);
  // The flags differ with the cubin (the real arch), so PTX-only and
  // PTX-and-cubin compiles are separate entries.
  artifact.cacheKey =
      CacheKey::compute(artifact.source, nvrtcFlags(desc.arch, withCubin),
                        nvrtcVersionString(), desc.arch, templateHeadersHash());
  if (cache) {
    if (std::optional<CacheEntry> hit = cache->lookup(artifact.cacheKey);
        hit && (!withCubin || !hit->cubin.empty())) {
      artifact.ptx = std::move(hit->ptx);
      artifact.cubin = std::move(hit->cubin);
      artifact.cacheHit = true;
      return artifact;
    }
  }
  auto ptx = compileToPtx(artifact.source, desc.name, desc.arch, withCubin);
  if (!ptx)
    return ptx.takeError();
  artifact.ptx = std::move(ptx->ptx);
  artifact.cubin = std::move(ptx->cubin);
  artifact.log = std::move(ptx->log);
  if (cache) {
    CacheEntry entry;
    entry.ptx = artifact.ptx;
    entry.cubin = artifact.cubin;
    entry.name = desc.name;
    entry.desc = desc;
    cache->store(artifact.cacheKey, entry);
  }
  return artifact;
}
