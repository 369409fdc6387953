// The Java methods' plumbing: a JVM of Debian's OpenJDK running
// ZcJavaSource (workloads/java/) as a child of the source process, which
// zctrace follows and accounts as the source.
#pragma once

#include <string>

#include "workload.h"

namespace zc::workloads {

// Why no Java method can run here (no JVM, or the class was not built);
// empty when they can. The JVM is $ZCTRACE_JAVA if set, else java on
// /usr/bin, /usr/local/bin.
std::string jvm_unavailable_reason();

// Runs `java ZcJavaSource <mode> FILE ADDRESS PORT CHUNK` (mode "transferTo"
// or "mapped") to the end, and reports what it says it sent
// ("java.sent_bytes"). Throws zc::Error when it fails, with its last line.
void run_java_source(const SourceContext &ctx, const char *mode);

} // namespace zc::workloads
