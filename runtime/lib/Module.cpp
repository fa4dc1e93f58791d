//===- Module.cpp ---------------------------------------------------------===//
#include "mlpjit/Module.h"

#include "GemmLaunch.h"

using namespace mlpjit;

static llvm::Error runtimeError(const llvm::Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
}

llvm::Error mlpjit::checkArchRunsOn(llvm::StringRef kernelArch,
                                    llvm::StringRef deviceArch) {
  auto kernel = Arch::parse(kernelArch);
  auto device = Arch::parse(deviceArch);
  bool runs = kernel && device && kernel->runsOn(*device);
  if (!kernel)
    llvm::consumeError(kernel.takeError());
  if (!device)
    llvm::consumeError(device.takeError());
  if (runs)
    return llvm::Error::success();
  return runtimeError("mlpjit: kernels compiled for " + kernelArch +
                      " cannot run on this " + deviceArch +
                      " GPU; compile the spec for " + deviceArch +
                      " (arch = " + deviceArch + ", or --arch)");
}

llvm::Error mlpjit::checkKernelRunsOn(const KernelArtifact &kernel,
                                      llvm::StringRef deviceArch) {
  auto karch = Arch::parse(kernel.desc.arch);
  auto device = Arch::parse(deviceArch);
  if (!karch || !device) {
    llvm::consumeError(karch.takeError());
    llvm::consumeError(device.takeError());
    return checkArchRunsOn(kernel.desc.arch, deviceArch);
  }
  if (!kernel.cubin.empty() && karch->cubinRunsOn(*device))
    return llvm::Error::success();
  if (!kernel.ptx.empty() && karch->runsOn(*device))
    return llvm::Error::success();
  const char *has = kernel.cubin.empty() ? "PTX"
                    : kernel.ptx.empty() ? "a cubin"
                                         : "a cubin and PTX";
  return runtimeError(
      "mlpjit: kernel '" + kernel.desc.name + "' has " + has + " for " +
      kernel.desc.arch + ", which cannot run on this " + deviceArch +
      " GPU; compile for " + deviceArch + " (arch = " + deviceArch +
      ", or --arch " + deviceArch + ")");
}

/// Compute capability of `dev` as {major, minor}.
static llvm::Error readComputeCapability(const Driver &d, CUdevice dev,
                                         int &major, int &minor) {
  if (auto e = d.check(
          d.cuDeviceGetAttribute(
              &major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, dev),
          "cuDeviceGetAttribute"))
    return e;
  return d.check(d.cuDeviceGetAttribute(
                     &minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, dev),
                 "cuDeviceGetAttribute");
}

llvm::Expected<DeviceContext::Traits> DeviceContext::probe(int ordinal) {
  auto driver = Driver::get();
  if (!driver)
    return driver.takeError();
  const Driver &d = *driver;
  CUdevice dev;
  int major = 0, minor = 0, sms = 0, memoryKHz = 0, busBits = 0;
  if (auto e = d.check(d.cuDeviceGet(&dev, ordinal), "cuDeviceGet"))
    return e;
  if (auto e = readComputeCapability(d, dev, major, minor))
    return e;
  for (auto [value, attribute] :
       {std::pair{&sms, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT},
        std::pair{&memoryKHz, CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE},
        std::pair{&busBits, CU_DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH}})
    if (auto e = d.check(d.cuDeviceGetAttribute(value, attribute, dev),
                         "cuDeviceGetAttribute"))
      return e;
  char name[256] = {};
  if (auto e = d.check(d.cuDeviceGetName(name, sizeof(name), dev),
                       "cuDeviceGetName"))
    return e;
  Traits t;
  t.name = name;
  t.arch = Arch::forDevice(major, minor);
  t.smCount = sms;
  // Double data rate: two transfers per clock on each bus line (the H200's
  // 3201 MHz x 6144 bits gives its datasheet's 4.9 TB/s).
  t.memoryGBs = double(memoryKHz) * 1e3 * busBits * 2 / 8 / 1e9;
  return t;
}

llvm::Expected<std::unique_ptr<DeviceContext>>
DeviceContext::create(int ordinal) {
  auto driver = Driver::get();
  if (!driver)
    return driver.takeError();
  const Driver &d = *driver;
  std::unique_ptr<DeviceContext> c(new DeviceContext(d));
  int count = 0;
  if (auto e = d.check(d.cuDeviceGetCount(&count), "cuDeviceGetCount"))
    return e;
  if (ordinal < 0 || ordinal >= count)
    return runtimeError("mlpjit: no GPU " + llvm::Twine(ordinal) + " (" +
                        llvm::Twine(count) + " visible)");
  if (auto e = d.check(d.cuDeviceGet(&c->dev, ordinal), "cuDeviceGet"))
    return e;
  auto traits = probe(ordinal);
  if (!traits)
    return traits.takeError();
  c->smCount = traits->smCount;
  int l2 = 0;
  if (auto e = d.check(d.cuDeviceGetAttribute(
                           &l2, CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE, c->dev),
                       "cuDeviceGetAttribute"))
    return e;
  c->l2 = l2;
  c->deviceName = traits->name;
  c->cc = traits->arch.sm;
  c->deviceArch = traits->arch.str();
  if (c->cc < 80)
    return runtimeError("mlpjit: " + traits->name + " is sm_" +
                        llvm::Twine(c->cc) +
                        "; mlpjit's kernel templates need sm_80 or newer");
  if (auto e = d.check(d.cuDevicePrimaryCtxRetain(&c->ctx, c->dev),
                       "cuDevicePrimaryCtxRetain"))
    return e;
  if (auto e = c->makeCurrent())
    return e;
  size_t freeBytes = 0, totalBytes = 0;
  if (auto e = d.check(d.cuMemGetInfo(&freeBytes, &totalBytes), "cuMemGetInfo"))
    return e;
  c->totalMemory = int64_t(totalBytes);
  return c;
}

llvm::Expected<int64_t> DeviceContext::freeMemoryBytes() const {
  if (auto e = makeCurrent())
    return e;
  size_t freeBytes = 0, totalBytes = 0;
  if (auto e = d.check(d.cuMemGetInfo(&freeBytes, &totalBytes), "cuMemGetInfo"))
    return e;
  return int64_t(freeBytes);
}

llvm::Expected<DeviceBuffer>
DeviceBuffer::allocate(const DeviceContext &context, size_t bytes) {
  const Driver &d = context.driver();
  if (auto e = context.makeCurrent())
    return e;
  DeviceBuffer b;
  // cuMemAlloc rejects 0 bytes; an empty buffer still gets a valid pointer.
  if (auto e =
          d.check(d.cuMemAlloc(&b.p, bytes ? bytes : 256),
                  ("cuMemAlloc(" + std::to_string(bytes) + " bytes)").c_str()))
    return e;
  b.d = &d;
  b.bytes = bytes;
  return b;
}

DeviceBuffer &DeviceBuffer::operator=(DeviceBuffer &&other) noexcept {
  if (this != &other) {
    reset();
    d = other.d;
    p = other.p;
    bytes = other.bytes;
    other.d = nullptr;
    other.p = 0;
    other.bytes = 0;
  }
  return *this;
}

void DeviceBuffer::reset() {
  if (p && d)
    d->cuMemFree(p);
  p = 0;
  bytes = 0;
}

llvm::Expected<std::unique_ptr<Stream>>
Stream::create(const DeviceContext &context) {
  const Driver &d = context.driver();
  if (auto e = context.makeCurrent())
    return e;
  std::unique_ptr<Stream> s(new Stream(d));
  if (auto e = d.check(d.cuStreamCreate(&s->s, CU_STREAM_NON_BLOCKING),
                       "cuStreamCreate"))
    return e;
  return s;
}

Stream::~Stream() {
  if (s)
    d.cuStreamDestroy(s);
}

llvm::Error Stream::synchronize() const {
  return d.check(d.cuStreamSynchronize(s), "cuStreamSynchronize");
}

DeviceContext::~DeviceContext() {
  if (ctx)
    d.cuDevicePrimaryCtxRelease(dev);
}

llvm::Error DeviceContext::makeCurrent() const {
  return d.check(d.cuCtxSetCurrent(ctx), "cuCtxSetCurrent");
}

llvm::Error DeviceContext::ensureCurrent() const {
  CUcontext current = nullptr;
  if (d.cuCtxGetCurrent(&current) == CUDA_SUCCESS && current == ctx)
    return llvm::Error::success();
  return makeCurrent();
}

/// CTAs of `fn` resident at once: whole clusters for clustered kernels (a
/// GPC with an odd number of free SMs holds one 2x1 cluster fewer than
/// numSMs / 2 suggests), blocks per SM times SMs otherwise; 0 if the driver
/// cannot say (the launch rules then guess).
static int queryResidentCtas(const Driver &d, CUfunction fn,
                             const abi::LaunchShape &shape, int numSMs) {
  const unsigned cluster = shape.cluster[0] * shape.cluster[1] * shape.cluster[2];
  if (cluster > 1) {
    CUlaunchConfig config{};
    config.gridDimX = shape.cluster[0];
    config.gridDimY = config.gridDimZ = 1;
    config.blockDimX = shape.block[0];
    config.blockDimY = shape.block[1];
    config.blockDimZ = shape.block[2];
    config.sharedMemBytes = shape.sharedBytes;
    CUlaunchAttribute attr{};
    attr.id = CU_LAUNCH_ATTRIBUTE_CLUSTER_DIMENSION;
    attr.value.clusterDim.x = shape.cluster[0];
    attr.value.clusterDim.y = shape.cluster[1];
    attr.value.clusterDim.z = shape.cluster[2];
    config.attrs = &attr;
    config.numAttrs = 1;
    int clusters = 0;
    if (d.cuOccupancyMaxActiveClusters(&clusters, fn, &config) != CUDA_SUCCESS)
      return 0;
    return clusters * int(cluster);
  }
  int perSm = 0;
  if (d.cuOccupancyMaxActiveBlocksPerMultiprocessor(
          &perSm, fn, int(shape.block[0] * shape.block[1] * shape.block[2]),
          shape.sharedBytes) != CUDA_SUCCESS)
    return 0;
  return perSm * numSMs;
}

llvm::Expected<std::unique_ptr<LoadedKernel>>
LoadedKernel::load(const DeviceContext &context,
                   const KernelArtifact &artifact) {
  const Driver &d = context.driver();
  std::unique_ptr<LoadedKernel> k(new LoadedKernel(d));
  k->kernelDesc = artifact.desc;
  const std::string &name = artifact.desc.name;
  if (auto e = context.makeCurrent())
    return e;

  // The driver JIT's logs: errors explain a rejected module, info gives
  // the per-kernel resource lines.
  char info[8192] = {}, error[8192] = {};
  CUjit_option options[] = {
      CU_JIT_INFO_LOG_BUFFER, CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES,
      CU_JIT_ERROR_LOG_BUFFER, CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES,
      CU_JIT_LOG_VERBOSE};
  void *values[] = {info, reinterpret_cast<void *>(sizeof(info)), error,
                    reinterpret_cast<void *>(sizeof(error)),
                    reinterpret_cast<void *>(1)};
  if (auto e = checkKernelRunsOn(artifact, context.arch()))
    return e;
  // A cubin that runs here skips the driver's JIT (the slow part of a cold
  // start); PTX is the fallback for GPUs newer than the cubins.
  auto karch = Arch::parse(artifact.desc.arch);
  auto device = Arch::parse(context.arch());
  k->res.fromCubin =
      karch && device && !artifact.cubin.empty() && karch->cubinRunsOn(*device);
  if (!karch)
    llvm::consumeError(karch.takeError());
  if (!device)
    llvm::consumeError(device.takeError());
  const void *image = k->res.fromCubin
                          ? static_cast<const void *>(artifact.cubin.data())
                          : static_cast<const void *>(artifact.ptx.c_str());
  CUresult r = d.cuModuleLoadDataEx(&k->module, image, 5, options, values);
  if (r != CUDA_SUCCESS)
    return runtimeError(llvm::Twine("loading the ") +
                        (k->res.fromCubin ? "cubin" : "PTX") + " of kernel '" +
                        name + "' failed: " + d.describe(r) +
                        (error[0] ? "\n" + std::string(error) : ""));
  k->res.jitLog = info;
  if (auto e = d.check(d.cuModuleGetFunction(&k->fn, k->module, name.c_str()),
                       ("cuModuleGetFunction(" + name + ")").c_str()))
    return e;
  auto attribute = [&](CUfunction_attribute a, int &out) {
    return d.check(d.cuFuncGetAttribute(&out, a, k->fn), "cuFuncGetAttribute");
  };
  if (auto e = attribute(CU_FUNC_ATTRIBUTE_NUM_REGS, k->res.registers))
    return e;
  if (auto e = attribute(CU_FUNC_ATTRIBUTE_LOCAL_SIZE_BYTES, k->res.localBytes))
    return e;
  if (auto e = attribute(CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES,
                         k->res.staticSharedBytes))
    return e;
  if (auto e = attribute(CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK,
                         k->res.maxThreadsPerBlock))
    return e;
  auto shape = gemmLaunchShape(artifact.desc, 1, context.numSMs(),
                               /*residentCtas=*/0);
  if (!shape)
    return shape.takeError();
  if (shape->sharedBytes > 48 * 1024)
    if (auto e =
            d.check(d.cuFuncSetAttribute(
                        k->fn, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                        int(shape->sharedBytes)),
                    ("enabling " + std::to_string(shape->sharedBytes) +
                     " bytes of shared memory for " + name)
                        .c_str()))
      return e;
  k->smCount = context.numSMs();
  k->resident = queryResidentCtas(d, k->fn, *shape, context.numSMs());
  return k;
}

LoadedKernel::~LoadedKernel() {
  if (module)
    d.cuModuleUnload(module);
}
