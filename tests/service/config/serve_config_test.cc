#include "service/config/serve_config.h"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace allot::svc {
namespace {

TEST(ServeConfigTest, DefaultsWithoutFlags) {
  auto parsed = ParseServeFlags({});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_FALSE(parsed->help);
  EXPECT_EQ(parsed->config.http.port, 8888);
  EXPECT_EQ(parsed->config.url_prefix, "/allot");
  EXPECT_EQ(parsed->config.extender.score_policy, alloc::ScorePolicy::kPack);
  EXPECT_EQ(parsed->config.extender.max_search_steps, 500000u);
  EXPECT_TRUE(parsed->config.extender.filter_reasons);
  EXPECT_EQ(parsed->config.extender.binding_timeout, std::chrono::seconds(600));  // the scheduler plugin's default
  EXPECT_EQ(parsed->config.extender.binding_reply_wait, std::chrono::milliseconds(4000));
  EXPECT_FALSE(parsed->config.force_demo);
}

TEST(ServeConfigTest, EverySpellingSetsTheConfig) {
  auto parsed = ParseServeFlags({"--listen", "127.0.0.1:0", "--score-policy=spread", "-v", "2", "--demo", "d",
                                 "--feature-gates", "DRAConsumableCapacity=false", "--filter-timeout-ms=250",
                                 "--max-search-steps", "0", "--workers", "3", "--log-format", "json",
                                 "--filter-reasons=false", "--binding-timeout", "30", "--binding-reply-ms=700"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  const ServiceConfig& c = parsed->config;
  EXPECT_EQ(c.http.host, "127.0.0.1");
  EXPECT_EQ(c.http.port, 0);
  EXPECT_EQ(c.extender.score_policy, alloc::ScorePolicy::kSpread);
  EXPECT_EQ(c.verbosity, 2);
  EXPECT_TRUE(c.force_demo);
  EXPECT_EQ(c.demo_dir, "d");
  EXPECT_FALSE(c.extender.features.consumable_capacity);
  EXPECT_EQ(c.extender.filter_timeout, std::chrono::milliseconds(250));
  EXPECT_EQ(c.extender.max_search_steps, 0u);
  EXPECT_EQ(c.http.workers, 3u);
  EXPECT_EQ(c.log_format, "json");
  EXPECT_FALSE(c.extender.filter_reasons);
  EXPECT_EQ(c.extender.binding_timeout, std::chrono::seconds(30));
  EXPECT_EQ(c.extender.binding_reply_wait, std::chrono::milliseconds(700));
}

TEST(ServeConfigTest, BadInputNamesTheFlag) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {{"--nope", "1"}, "unknown flag --nope"},
           {{"--workers"}, "flag --workers needs a value"},
           {{"--workers", "0"}, "--workers must be positive"},
           {{"--workers", "x"}, "--workers: not a number"},
           {{"--listen", "nohost"}, "--listen must be HOST:PORT"},
           {{"--listen", ":70000"}, "--listen: bad port"},
           {{"--score-policy", "tight"}, "--score-policy must be pack, spread or none"},
           {{"--max-search-steps", "-1"}, "--max-search-steps must not be negative"},
           {{"--log-format", "xml"}, "--log-format must be text or json"},
           {{"--filter-reasons", "yes"}, "--filter-reasons must be true or false"},
           {{"--binding-timeout", "0"}, "--binding-timeout must be positive"},
           {{"--binding-reply-ms", "soon"}, "--binding-reply-ms: not a number"},
           {{"--feature-gates", "NoSuchGate=true"}, "NoSuchGate"},
           {{"stray"}, "unexpected argument 'stray'"},
       }) {
    auto parsed = ParseServeFlags(c.args);
    ASSERT_FALSE(parsed.ok()) << c.args[0];
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument) << c.args[0];
    EXPECT_NE(std::string(parsed.status().message()).find(c.message), std::string::npos)
        << parsed.status().message() << " should contain " << c.message;
  }
}

TEST(ServeConfigTest, HelpAndDocsListEveryFlag) {
  const std::string help = ServeHelp();
  std::ifstream in("docs/service.md");
  ASSERT_TRUE(in) << "docs/service.md missing (run from the repository root)";
  std::stringstream docs;
  docs << in.rdbuf();
  for (const std::string& name : ServeFlagNames()) {
    const std::string flag = name == "v" ? "-v N" : "--" + name;
    EXPECT_NE(help.find(flag), std::string::npos) << flag << " is not in --help";
    EXPECT_NE(docs.str().find("`" + flag), std::string::npos) << flag << " is not in docs/service.md";
  }
  auto parsed = ParseServeFlags({"--help"});
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(parsed->help);
}

}  // namespace
}  // namespace allot::svc
