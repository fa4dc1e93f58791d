//===- mlpjit-compile.cpp - ahead-of-time artifacts -----------------------===//
//
//   mlpjit-compile SPEC|config.json --arch sm_90a[,sm_80,...] -o FILE
//                  [--tokens MIN..MAX] [--tp N] [--no-cubin] [-j N]
//
// Writes an artifact (ProgramFile.h, format mlpjit-artifact-4): every block
// of the spec for every arch, each kernel with NVRTC's cubin for that arch
// plus PTX as the fallback for newer GPUs. Loading it (mlpjit_program_load,
// readArtifactFile + MlpKernels::load) needs only the driver. Runs without a
// GPU. Errors go to stderr and exit with 1.
//
//===----------------------------------------------------------------------===//
#include "TargetGpuFlags.h"
#include "ToolVersion.h"
#include "mlpjit/Arch.h"
#include "mlpjit/Frontend/MlpSpec.h"
#include "mlpjit/Pipeline/Compile.h"
#include "mlpjit/ProgramFile.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <optional>

using namespace mlpjit;
namespace cl = llvm::cl;

namespace {
cl::opt<std::string> inputFile(cl::Positional, cl::Required,
                               cl::desc("<spec.mlp | config.json>"));
cl::opt<std::string> archList("arch", cl::Required,
                              cl::desc("comma-separated targets, e.g. "
                                       "sm_90a,sm_80"));
cl::opt<std::string> outputFile("o", cl::Required,
                                cl::desc("the artifact to write"));
cl::opt<std::string> tokensOpt("tokens",
                               cl::desc("token range MIN..MAX (default: the "
                                        "spec's)"));
cl::opt<int64_t> tpOpt("tp",
                       cl::desc("tensor-parallel degree (default: the "
                                "spec's): one rank's shard"),
                       cl::init(0));
cl::opt<bool> noCubin("no-cubin",
                      cl::desc("PTX only (the driver JIT-compiles it at "
                               "load)"));
TargetGpuFlags targetGpu;
cl::opt<unsigned> jobs("j", cl::desc("NVRTC threads (default: one per core)"),
                       cl::init(0));

int fail(const llvm::Twine &msg) {
  llvm::errs() << "mlpjit-compile: " << msg << "\n";
  return 1;
}

int compileMain() {
  std::string notes;
  llvm::raw_string_ostream notesStream(notes);
  auto specs = loadSpecFile(inputFile, &notesStream);
  llvm::errs() << notes;
  if (!specs)
    return fail(llvm::toString(specs.takeError()));
  std::optional<std::pair<int64_t, int64_t>> tokens;
  if (!tokensOpt.empty()) {
    auto [lo, hi] = llvm::StringRef(tokensOpt).split("..");
    int64_t a = 0, b = 0;
    if (lo.getAsInteger(10, a) || hi.getAsInteger(10, b))
      return fail("--tokens: expected MIN..MAX, got '" + tokensOpt + "'");
    tokens = {a, b};
  }
  for (MlpSpec &spec : *specs) {
    if (tokens) {
      spec.tokensMin = tokens->first;
      spec.tokensMax = tokens->second;
    }
    if (tpOpt > 0)
      if (llvm::Error e = setTensorParallel(spec, tpOpt))
        return fail(llvm::toString(std::move(e)));
    if (llvm::Error e = validateSpec(spec))
      return fail(llvm::toString(std::move(e)));
  }
  llvm::SmallVector<llvm::StringRef> archs;
  llvm::StringRef(archList).split(archs, ',', -1, /*KeepEmpty=*/false);
  if (archs.empty())
    return fail("--arch: no target given");
  for (llvm::StringRef arch : archs)
    if (auto parsed = Arch::parse(arch); !parsed)
      return fail("--arch: " + llvm::toString(parsed.takeError()));

  auto start = std::chrono::steady_clock::now();
  std::vector<MlpProgram> programs;
  size_t kernels = 0; // token ranges planned alike share one
  for (llvm::StringRef arch : archs)
    for (const MlpSpec &spec : *specs) {
      CompileOptions options;
      options.arch = arch.str();
      options.threads = int(jobs);
      options.cubin = !noCubin; // from the PTX's own NVRTC run
      targetGpu.applyTo(options);
      auto c = compileMlp(spec, options);
      if (!c)
        return fail(llvm::toString(c.takeError()));
      kernels += size_t(c->kernelCount());
      programs.push_back(toProgram(*c));
    }
  if (llvm::Error e = writeArtifactFile(programs, outputFile))
    return fail(llvm::toString(std::move(e)));
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  size_t ranges = 0;
  for (const MlpProgram &p : programs)
    ranges += p.kernels.size();
  llvm::outs() << llvm::formatv(
      "mlpjit-compile: {0}: {1} block(s) x {2} arch(s) ({3}), {4} kernels "
      "for {5} token ranges, {6} in {7:F2} s\n",
      outputFile, specs->size(), archs.size(), archList, kernels, ranges,
      noCubin ? "PTX only" : "cubin + PTX", seconds);
  return 0;
}
} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  setToolVersionPrinter("mlpjit-compile");
  cl::ParseCommandLineOptions(
      argc, argv,
      "mlpjit-compile: a spec's kernels ahead of time (cubins + PTX) into "
      "one artifact that loads with only the CUDA driver\n");
  return compileMain();
}
