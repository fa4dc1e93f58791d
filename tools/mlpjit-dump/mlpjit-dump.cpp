//===- mlpjit-dump.cpp - print any stage of the compiler for a spec -------===//
//
//   mlpjit-dump FILE
//       --stage=input|passes|kernels|cuda|ptx|cubin|sass|resources|all
//       [--json] [--arch sm_90a] [-o DIR]
//
// FILE is a .mlp spec or a Hugging Face config.json. One function per stage;
// main() dispatches on --stage. With -o DIR, per-kernel artifacts go to one
// file each (NAME.cu, NAME.ptx, NAME.cubin, NAME.sass) and the rest to
// stdout; cubins are binary, so --stage=cubin needs -o. Errors go to stderr
// and exit with 1.
//
//===----------------------------------------------------------------------===//
#include "TargetGpuFlags.h"
#include "ToolVersion.h"
#include "mlpjit/Codegen/Codegen.h"
#include "mlpjit/Codegen/Nvrtc.h"
#include "mlpjit/FileOutput.h"
#include "mlpjit/Frontend/MlpSpec.h"
#include "mlpjit/Pipeline/Compile.h"
#include "mlpjit/Transforms/KernelCollection.h"

#include "llvm/ADT/StringSet.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlpjit;
namespace cl = llvm::cl;

namespace {

enum class Stage {
  input,
  passes,
  kernels,
  cuda,
  ptx,
  cubin,
  sass,
  resources,
  all
};

cl::opt<std::string> inputFile(cl::Positional, cl::Required,
                               cl::desc("<spec.mlp | config.json>"));
cl::opt<Stage> stage(
    "stage", cl::desc("What to print"), cl::init(Stage::input),
    cl::values(
        clEnumValN(Stage::input, "input", "the textbook MLP as mlp dialect IR"),
        clEnumValN(Stage::passes, "passes",
                   "the IR after each pass of mlp-default-pipeline"),
        clEnumValN(Stage::kernels, "kernels",
                   "the planned kernels (a table, or JSON with --json)"),
        clEnumValN(Stage::cuda, "cuda", "the generated CUDA C++ per kernel"),
        clEnumValN(Stage::ptx, "ptx", "NVRTC's PTX per kernel"),
        clEnumValN(Stage::cubin, "cubin",
                   "NVRTC's cubin per kernel, the one the runtime loads "
                   "(binary: needs -o DIR); "
                   "disassemble with the toolkit's cuobjdump -sass where "
                   "this machine has none"),
        clEnumValN(Stage::sass, "sass",
                   "SASS per kernel (NVRTC's cubin through the toolkit's "
                   "cuobjdump)"),
        clEnumValN(Stage::resources, "resources",
                   "registers, shared memory, spills and stack per kernel "
                   "(ptxas -v)"),
        clEnumValN(Stage::all, "all", "every stage (best with -o DIR)")));
cl::opt<bool> json("json", cl::desc("kernels/resources as JSON"));
cl::opt<std::string> archOpt("arch",
                             cl::desc("target (default: the spec's, the "
                                      "GPU's, else sm_90a)"));
TargetGpuFlags targetGpu;
cl::opt<int64_t> tpOpt("tp",
                       cl::desc("tensor-parallel degree: dump one rank's "
                                "shard (default: the spec's tp, else 1)"),
                       cl::init(0));
cl::opt<std::string> outDir("o", cl::desc("write per-kernel files to DIR"),
                            cl::value_desc("DIR"));

int fail(llvm::Error e) {
  llvm::errs() << "mlpjit-dump: " << llvm::toString(std::move(e)) << "\n";
  return 1;
}

/// Writes `text` to DIR/NAME when -o is given, else to stdout with a header.
llvm::Error emit(llvm::StringRef name, llvm::StringRef text) {
  if (outDir.empty()) {
    llvm::outs() << "// ===== " << name << " =====\n" << text;
    if (!text.ends_with("\n"))
      llvm::outs() << "\n";
    return llvm::Error::success();
  }
  if (auto ec = llvm::sys::fs::create_directories(outDir))
    return llvm::createStringError(ec, "cannot create '%s': %s",
                                   outDir.c_str(), ec.message().c_str());
  llvm::SmallString<256> path(outDir);
  llvm::sys::path::append(path, name);
  return writeFileAtomically(path, text);
}

/// The compile options the flags give.
CompileOptions flagOptions() {
  CompileOptions options;
  options.arch = archOpt;
  targetGpu.applyTo(options);
  return options;
}

std::string archFor(const MlpSpec &spec) {
  return resolveArch(spec, flagOptions());
}

int dumpInput(llvm::ArrayRef<MlpSpec> specs) {
  auto ir = inputIR(specs);
  if (!ir)
    return fail(ir.takeError());
  llvm::outs() << *ir << "\n";
  return 0;
}

int dumpPasses(llvm::ArrayRef<MlpSpec> specs) {
  for (const MlpSpec &spec : specs)
    if (auto kernels =
            planKernels(spec, archFor(spec), &llvm::outs(), flagOptions());
        !kernels)
      return fail(kernels.takeError());
  return 0;
}

llvm::Expected<std::vector<KernelDesc>>
allKernels(llvm::ArrayRef<MlpSpec> specs) {
  std::vector<KernelDesc> all;
  for (const MlpSpec &spec : specs) {
    auto kernels = planKernels(spec, archFor(spec), nullptr, flagOptions());
    if (!kernels)
      return kernels.takeError();
    all.insert(all.end(), kernels->begin(), kernels->end());
  }
  return all;
}

int dumpKernels(llvm::ArrayRef<MlpSpec> specs) {
  auto kernels = allKernels(specs);
  if (!kernels)
    return fail(kernels.takeError());
  if (json) {
    llvm::outs() << llvm::formatv("{0:2}", llvm::json::Value(*kernels)) << "\n";
    return 0;
  }
  llvm::outs() << llvm::format("%-40s %-12s %-10s %-15s %7s %7s  %-13s %s\n",
                               "kernel", "template", "epilogue", "M", "N", "K",
                               "tile", "stages/cluster/split/swap");
  for (const KernelDesc &k : *kernels)
    llvm::outs() << llvm::format(
        "%-40s %-12s %-10s %-15s %7lld %7lld  %-13s %d/%dx%d/%d/%s\n",
        k.name.c_str(), k.templateName.c_str(), toString(k.epilogue),
        ("[" + std::to_string(k.mMin) + ", " + std::to_string(k.mMax) + "]")
            .c_str(),
        (long long)k.n, (long long)k.k,
        (std::to_string(k.tileM) + "x" + std::to_string(k.tileN) + "x" +
         std::to_string(k.tileK))
            .c_str(),
        int(k.stages), int(k.clusterM), int(k.clusterN), int(k.splitK),
        k.swapAB ? "yes" : "no");
  return 0;
}

int dumpCuda(llvm::ArrayRef<MlpSpec> specs) {
  auto kernels = allKernels(specs);
  if (!kernels)
    return fail(kernels.takeError());
  llvm::StringSet<> seen; // ranges planned alike share one kernel
  for (const KernelDesc &k : *kernels) {
    if (!seen.insert(k.name).second)
      continue;
    if (auto e = codegen::validateKernel(k))
      return fail(std::move(e));
    if (auto e = emit(k.name + ".cu", codegen::generateKernelSource(k)))
      return fail(std::move(e));
  }
  return 0;
}

/// Every kernel of `specs` once (token ranges planned alike share one);
/// with `cubin`, NVRTC's cubin too (what the runtime loads).
llvm::Expected<std::vector<CompiledKernel>>
compileAll(llvm::ArrayRef<MlpSpec> specs, bool cubin = false) {
  std::vector<CompiledKernel> all;
  CompileOptions options = flagOptions();
  options.cubin = cubin;
  for (const MlpSpec &spec : specs) {
    auto compiled = compileMlp(spec, options);
    if (!compiled)
      return compiled.takeError();
    for (const CompiledKernel *k : compiled->distinctKernels())
      all.push_back(*k);
  }
  return all;
}

int dumpPtx(llvm::ArrayRef<MlpSpec> specs) {
  auto kernels = compileAll(specs);
  if (!kernels)
    return fail(kernels.takeError());
  for (const CompiledKernel &k : *kernels)
    if (auto e = emit(k.desc.name + ".ptx", k.ptx))
      return fail(std::move(e));
  return 0;
}

/// Each kernel's cubin (NVRTC's, the one the runtime loads), its SASS, or
/// the resources ptxas reports (Stage::cubin, sass or resources).
int dumpAssembled(llvm::ArrayRef<MlpSpec> specs, Stage what) {
  if (what == Stage::cubin && outDir.empty())
    return fail(llvm::createStringError(
        "--stage=cubin writes binary files: give -o DIR"));
  const bool sass = what == Stage::sass;
  auto kernels = compileAll(specs, /*cubin=*/what != Stage::resources);
  if (!kernels)
    return fail(kernels.takeError());
  llvm::json::Array rows;
  if (what == Stage::resources && !json)
    llvm::outs() << llvm::format("%-40s %5s %12s %12s %12s %6s\n", "kernel",
                                 "regs", "static smem", "spill st", "spill ld",
                                 "stack");
  for (const CompiledKernel &k : *kernels) {
    if (what == Stage::cubin) {
      if (auto e = emit(k.desc.name + ".cubin", k.cubin))
        return fail(std::move(e));
      continue;
    }
    if (sass) {
      auto text = codegen::disassemble(k.cubin);
      if (!text)
        return fail(text.takeError());
      if (auto e = emit(k.desc.name + ".sass", *text))
        return fail(std::move(e));
      continue;
    }
    auto report = codegen::runPtxas(k.ptx, k.desc.arch);
    if (!report)
      return fail(report.takeError());
    if (json)
      rows.push_back(llvm::json::Object{
          {"name", k.desc.name},
          {"registers", report->registers},
          {"static_shared_bytes", report->sharedBytes},
          {"spill_store_bytes", report->spillStores},
          {"spill_load_bytes", report->spillLoads},
          {"stack_bytes", report->stackFrame}});
    else
      llvm::outs() << llvm::format("%-40s %5d %12d %12d %12d %6d\n",
                                   k.desc.name.c_str(), report->registers,
                                   report->sharedBytes, report->spillStores,
                                   report->spillLoads, report->stackFrame);
  }
  if (what == Stage::resources && json)
    llvm::outs() << llvm::formatv("{0:2}", llvm::json::Value(std::move(rows)))
                 << "\n";
  return 0;
}

} // namespace

static int dumpMain(int argc, char **argv) {
  mlpjit::setToolVersionPrinter("mlpjit-dump");
  cl::ParseCommandLineOptions(argc, argv,
                              "mlpjit-dump: print a compiler stage\n");
  auto specs = loadSpecFile(inputFile, &llvm::errs());
  if (!specs) {
    llvm::errs() << llvm::toString(specs.takeError()) << "\n";
    return 1;
  }
  if (tpOpt != 0)
    for (MlpSpec &spec : *specs)
      if (llvm::Error e = setTensorParallel(spec, tpOpt))
        return fail(std::move(e));
  switch (stage) {
  case Stage::input:
    return dumpInput(*specs);
  case Stage::passes:
    return dumpPasses(*specs);
  case Stage::kernels:
    return dumpKernels(*specs);
  case Stage::cuda:
    return dumpCuda(*specs);
  case Stage::ptx:
    return dumpPtx(*specs);
  case Stage::cubin:
  case Stage::sass:
  case Stage::resources:
    return dumpAssembled(*specs, stage);
  case Stage::all:
    for (auto fn : {dumpInput, dumpPasses, dumpKernels, dumpCuda, dumpPtx})
      if (int rc = fn(*specs))
        return rc;
    return dumpAssembled(*specs, Stage::resources);
  }
  return 1;
}

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  ignoreFileSizeLimitSignal();
  int rc = dumpMain(argc, argv);
  if (!finishStandardOutput("mlpjit-dump") && rc == 0)
    rc = 1;
  return rc;
}
