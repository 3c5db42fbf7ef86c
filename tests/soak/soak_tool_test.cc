// orgd-soak (tools/soak), run as a process against a real `orgd serve` for a
// few seconds: its samples have traffic, memory and fds, and its exit status
// says whether anything went wrong (a server that is not there, or that dies
// mid-run).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/process_util.h"
#include "tests/test_util.h"

namespace orgd::test {
namespace {

constexpr char kAdminKey[] = "sk-soaktestsoaktestsoaktestsoaktestsoak00";

// One CSV row of orgd-soak, by column name.
using Sample = std::map<std::string, double>;

std::vector<std::string> SplitCsvLine(const std::string& line) {
  std::vector<std::string> cells;
  std::stringstream in(line);
  for (std::string cell; std::getline(in, cell, ',');) cells.push_back(cell);
  return cells;
}

class SoakToolTest : public ::testing::Test {
 protected:
  // Runs orgd-soak against port for 3 s (a sample a second, 2 then 8
  // connections), sampling pid when it is positive.
  ToolRun Soak(uint16_t port, pid_t pid, const std::string& duration = "3s") {
    std::vector<std::string> args = {"--port",   std::to_string(port), "--key",  kAdminKey,
                                     "--duration", duration,           "--sample-every", "1s",
                                     "--phases", "2,8",                "--write-ratio", "0.3",
                                     "--out",    csv_};
    if (pid > 0) args.insert(args.end(), {"--pid", std::to_string(pid)});
    return RunTool(ORGD_SOAK_BINARY, args);
  }

  std::vector<Sample> ReadSamples() const {
    std::ifstream in(csv_);
    std::string line;
    std::vector<std::string> columns;
    if (std::getline(in, line)) columns = SplitCsvLine(line);
    std::vector<Sample> samples;
    while (std::getline(in, line)) {
      std::vector<std::string> cells = SplitCsvLine(line);
      EXPECT_EQ(cells.size(), columns.size()) << line;
      Sample s;
      for (size_t i = 0; i < cells.size() && i < columns.size(); ++i) {
        s[columns[i]] = std::stod(cells[i]);
      }
      samples.push_back(s);
    }
    return samples;
  }

  TempDir dir_;
  const std::string csv_ = dir_.Sub("soak.csv");
};

TEST_F(SoakToolTest, ShortRunSamplesTrafficMemoryAndFdsAndPasses) {
  ServerProcess server(ORGD_BINARY, dir_.Sub("data"), kAdminKey);
  ASSERT_TRUE(server.Start());
  ToolRun run = Soak(server.port(), server.pid());
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("result: PASS"), std::string::npos) << run.out;

  std::vector<Sample> samples = ReadSamples();
  ASSERT_GE(samples.size(), 3u);
  for (const Sample& s : samples) {
    EXPECT_GT(s.at("req_per_s"), 0);
    EXPECT_GT(s.at("reads_per_s"), 0);
    EXPECT_GT(s.at("writes_per_s"), 0);
    EXPECT_GT(s.at("p99_ms"), 0);
    EXPECT_LE(s.at("p50_ms"), s.at("p99_ms"));
    EXPECT_LE(s.at("p99_ms"), s.at("max_ms"));
    EXPECT_TRUE(s.at("connections") == 2 || s.at("connections") == 8);
    EXPECT_EQ(s.at("err_status") + s.at("err_5xx") + s.at("err_conn"), 0);
    EXPECT_GT(s.at("rss_mib"), 1);  // a server with RocksDB open, far from 4 GiB
    EXPECT_LT(s.at("rss_mib"), 4096);
    EXPECT_GE(s.at("fds"), 5);  // std streams, the listener, the store's files
    EXPECT_LT(s.at("fds"), 1000);
  }
  EXPECT_EQ(samples.front().at("connections"), 2);
  EXPECT_EQ(server.Stop(), 0);
}

TEST_F(SoakToolTest, ClosedPortFailsWithNonZeroExit) {
  // A port bound but not listening: connections to it are refused.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len), 0);
  ToolRun run = Soak(ntohs(a.sin_port), 0);
  close(fd);
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_NE(run.err.find("/healthz"), std::string::npos) << run.err;
}

TEST_F(SoakToolTest, ServerDyingMidRunFailsTheRun) {
  ServerProcess server(ORGD_BINARY, dir_.Sub("data"), kAdminKey);
  ASSERT_TRUE(server.Start());
  const uint16_t port = server.port();
  const pid_t pid = server.pid();
  ToolRun run;
  std::thread soak([&] { run = Soak(port, pid, "4s"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  server.Kill(SIGKILL);
  soak.join();
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_NE(run.out.find("result: FAIL"), std::string::npos) << run.out;
  double failed_connections = 0;
  for (const Sample& s : ReadSamples()) failed_connections += s.at("err_conn");
  EXPECT_GT(failed_connections, 0);
}

TEST_F(SoakToolTest, BadCommandLineExitsTwo) {
  EXPECT_EQ(RunTool(ORGD_SOAK_BINARY, {"--port", "1", "--key", "k", "--phases", "0"}).exit_code,
            2);
  EXPECT_EQ(RunTool(ORGD_SOAK_BINARY, {"--port", "1"}).exit_code, 2);  // no --key
  EXPECT_EQ(RunTool(ORGD_SOAK_BINARY, {"--port", "1", "--key", "k", "--duration", "10s",
                                       "--sample-every", "3s", "--phase-length", "5s"})
                .exit_code,
            2);  // a phase is not a whole number of samples
}

}  // namespace
}  // namespace orgd::test
