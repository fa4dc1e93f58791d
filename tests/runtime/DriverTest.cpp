//===- DriverTest.cpp - the driver-less path and the device layer ---------===//
#include "mlpjit/Errors.h"
#include "mlpjit/Module.h"

#include <gtest/gtest.h>

using namespace mlpjit;

namespace {

// A failed driver call is a DriverError (the C API maps it to
// MLPJIT_ERROR_CUDA by type): its message names the call and the code, and
// it needs no loaded driver (no cuGetErrorName: the generic name).
TEST(DriverTest, FailedCallsAreDriverErrors) {
  Driver d; // every entry point null
  EXPECT_FALSE(bool(d.check(CUDA_SUCCESS, "cuInit")));
  llvm::Error e = d.check(CUDA_ERROR_INVALID_VALUE, "cuMemAlloc");
  ASSERT_TRUE(e.isA<DriverError>());
  std::string text = llvm::toString(std::move(e));
  EXPECT_EQ(text.rfind("cuMemAlloc failed: CUDA_ERROR_", 0), 0u) << text;
  EXPECT_NE(text.find(std::to_string(int(CUDA_ERROR_INVALID_VALUE))),
            std::string::npos)
      << text;
}

TEST(DriverTest, MissingDriverIsAClearErrorNotACrash) {
  auto driver = Driver::get();
  if (driver) {
    EXPECT_TRUE(Driver::available());
    GTEST_SKIP() << "a CUDA driver is present; the no-driver path is not "
                    "reachable here";
  }
  std::string why = llvm::toString(driver.takeError());
  EXPECT_FALSE(Driver::available());
  EXPECT_EQ(why.rfind("mlpjit: ", 0), 0u) << why;
  EXPECT_NE(why.find("CUDA driver"), std::string::npos) << why;
  // Everything above the driver reports the same reason.
  auto context = DeviceContext::create(0);
  ASSERT_FALSE(bool(context));
  EXPECT_EQ(llvm::toString(context.takeError()), why);
}

TEST(DeviceTest, ContextBuffersAndStreams) {
  auto context = DeviceContext::create(0);
  if (!context)
    GTEST_SKIP() << "no CUDA driver: " << llvm::toString(context.takeError());
  const DeviceContext &c = **context;
  EXPECT_FALSE(c.name().empty());
  EXPECT_GE(c.computeCapability(), 80);
  EXPECT_EQ(c.arch() == "sm_90a", c.computeCapability() == 90);
  EXPECT_GT(c.numSMs(), 0);
  EXPECT_GT(c.l2Bytes(), 0);
  auto free = c.freeMemoryBytes();
  ASSERT_TRUE(bool(free)) << llvm::toString(free.takeError());
  EXPECT_GT(*free, 0);
  EXPECT_LE(*free, c.totalMemoryBytes());

  auto buffer = DeviceBuffer::allocate(c, 1 << 20);
  ASSERT_TRUE(bool(buffer)) << llvm::toString(buffer.takeError());
  EXPECT_NE(buffer->ptr(), 0u);
  EXPECT_EQ(buffer->size(), size_t(1) << 20);
  DeviceBuffer moved = std::move(*buffer);
  EXPECT_EQ(buffer->ptr(), 0u);
  EXPECT_NE(moved.ptr(), 0u);

  auto stream = Stream::create(c);
  ASSERT_TRUE(bool(stream)) << llvm::toString(stream.takeError());
  const Driver &d = c.driver();
  ASSERT_EQ(
      d.cuMemsetD8Async(moved.ptr(), 0x5a, moved.size(), (*stream)->get()),
      CUDA_SUCCESS);
  ASSERT_FALSE(bool((*stream)->synchronize()));
  unsigned char byte = 0;
  ASSERT_EQ(d.cuMemcpyDtoH(&byte, moved.ptr() + 12345, 1), CUDA_SUCCESS);
  EXPECT_EQ(byte, 0x5a);

  auto tooMuch = DeviceBuffer::allocate(c, size_t(1) << 50);
  ASSERT_FALSE(bool(tooMuch));
  EXPECT_NE(llvm::toString(tooMuch.takeError()).find("CUDA_ERROR"),
            std::string::npos);
}

TEST(DeviceTest, BadPtxReportsTheJitLog) {
  auto context = DeviceContext::create(0);
  if (!context)
    GTEST_SKIP() << "no CUDA driver: " << llvm::toString(context.takeError());
  KernelArtifact bad;
  bad.desc.name = "broken";
  bad.ptx = ".version 8.0\n.target sm_80\n.address_size 64\n"
            ".visible .entry broken() { this is not ptx }\n";
  auto k = LoadedKernel::load(**context, bad);
  ASSERT_FALSE(bool(k));
  std::string why = llvm::toString(k.takeError());
  EXPECT_NE(why.find("loading the PTX of kernel 'broken' failed"),
            std::string::npos)
      << why;
}

TEST(DeviceTest, BadOrdinalIsAnError) {
  if (!Driver::available())
    GTEST_SKIP() << "no CUDA driver";
  auto context = DeviceContext::create(4096);
  ASSERT_FALSE(bool(context));
  EXPECT_NE(llvm::toString(context.takeError()).find("no GPU 4096"),
            std::string::npos);
}

} // namespace
