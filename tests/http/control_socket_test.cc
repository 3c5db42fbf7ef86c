#include "src/http/control_socket.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <string>

#include "tests/test_util.h"

namespace orgd::http {
namespace {

// A ControlSocket in a fresh directory whose handler answers every request
// with a fixed successful backup, started under a chosen process umask.
class ControlSocketTest : public ::testing::Test {
 protected:
  ControlSocketTest()
      : path_(dir_.Sub("orgd.ctl")),
        socket_(path_, [](std::string_view) { return R"({"ok":true,"position":7})"; }) {}
  ~ControlSocketTest() override { umask(saved_mask_); }

  // Starts the socket with the process umask set to mask; returns the umask
  // in force afterwards.
  mode_t StartUnderUmask(mode_t mask) {
    umask(mask);
    EXPECT_OK(socket_.Start());
    return umask(mask);
  }

  // The socket file's permission bits; fails the test when it is no socket.
  mode_t SocketMode() const {
    struct stat st {};
    EXPECT_EQ(stat(path_.c_str(), &st), 0) << path_;
    EXPECT_TRUE(S_ISSOCK(st.st_mode)) << std::oct << st.st_mode;
    return st.st_mode & 07777;
  }

  const mode_t saved_mask_ = umask(022);
  test::TempDir dir_;
  const std::string path_;
  ControlSocket socket_;
};

TEST_F(ControlSocketTest, SocketIsOwnerOnlyEvenUnderAnOpenUmask) {
  StartUnderUmask(0);
  EXPECT_EQ(SocketMode() & 077, 0u) << "mode " << std::oct << SocketMode();
}

// bind() gives a socket 0777 & ~umask: 0700 shows it was born owner-only
// under umask 077, where a chmod after bind (with a window before it) would
// have left the 0600 it sets.
TEST_F(ControlSocketTest, SocketIsCreatedOwnerOnlyNotChmoddedLater) {
  StartUnderUmask(0);
  EXPECT_EQ(SocketMode(), 0700u) << "mode " << std::oct << SocketMode();
}

TEST_F(ControlSocketTest, StartLeavesTheProcessUmaskAsItWas) {
  EXPECT_EQ(StartUnderUmask(0), 0u);
  socket_.Stop();
  EXPECT_EQ(StartUnderUmask(027), 027u);
}

TEST_F(ControlSocketTest, OwnerCanStillAskForABackup) {
  StartUnderUmask(022);
  uint64_t position = 0;
  ASSERT_OK(RequestBackup(path_, "/nowhere", std::chrono::seconds(5), &position));
  EXPECT_EQ(position, 7u);
}

TEST_F(ControlSocketTest, StopRemovesTheSocketFile) {
  StartUnderUmask(022);
  socket_.Stop();
  struct stat st {};
  EXPECT_NE(stat(path_.c_str(), &st), 0);
}

}  // namespace
}  // namespace orgd::http
