// runner_trace.cc — the trace a script leaves: every packet in and out, every
// state change and note the stack records (through the trace listener), and
// every system call the engine makes, one per line in script notation:
//
//   0.000000 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
//   0.100000 < S 0:0(0) win 32792 <mss 1000,nop,wscale 7>
//   0.100000 %state SYN_RECV  // LISTEN -> SYN_RECV (tcp 10.0.0.2:8080>10.0.0.1:40000)
//   0.100000 > S. 0:0(0) ack 1 win 65535 <mss 1460,nop,wscale 7>
//
// Packets are kept as bytes and printed at the end, when every connection's
// ISNs are known, so their sequence numbers read like the script's.
#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "tests/script/runner_internal.h"

namespace tscript {
namespace {

constexpr size_t kMaxTraceEntries = 200000;

// "tcp 10.0.0.2:8080>10.0.0.1:40000" -> the two ports, if the subject names
// the stack's and the peer's addresses.
bool subject_ports(const char* subject, uint16_t* stack_port, uint16_t* peer_port)
{
    unsigned a[4], b[4], p, q;
    if (sscanf(subject, "tcp %u.%u.%u.%u:%u>%u.%u.%u.%u:%u", &a[0], &a[1], &a[2], &a[3], &p,
               &b[0], &b[1], &b[2], &b[3], &q) != 10 || p > 65535 || q > 65535)
        return false;
    uint32_t x = a[0] << 24 | a[1] << 16 | a[2] << 8 | a[3];
    uint32_t y = b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3];
    if (x == kStackAddr && y == kPeerAddr) {
        *stack_port = uint16_t(p);
        *peer_port = uint16_t(q);
        return true;
    }
    if (x == kPeerAddr && y == kStackAddr) {
        *stack_port = uint16_t(q);
        *peer_port = uint16_t(p);
        return true;
    }
    return false;
}

}  // namespace

void Runner::on_trace_event(void* ctx, const struct trace_event* ev)
{
    Runner* r = static_cast<Runner*>(ctx);
    if (r->opts_.events && r->opts_.events->size() < kMaxTraceEntries)
        r->opts_.events->push_back(*ev);
    if (r->trace_entries_.size() >= kMaxTraceEntries) {
        r->trace_dropped_++;
        return;
    }
    TraceEntry t;
    t.time = int64_t(ev->time);
    t.is_event = true;
    t.ev = *ev;
    r->trace_entries_.push_back(t);
}

void Runner::note(const std::string& text)
{
    if (trace_entries_.size() >= kMaxTraceEntries) {
        trace_dropped_++;
        return;
    }
    TraceEntry t;
    t.time = now_;
    std::memset(&t.ev, 0, sizeof t.ev);
    t.text = text;
    trace_entries_.push_back(t);
}

std::string Runner::format_entry(const TraceEntry& t) const
{
    std::string out = format_time(t.time) + " ";
    if (!t.is_event)
        return out + t.text;
    const struct trace_event& ev = t.ev;
    switch (ev.kind) {
    case TRACE_PKT_IN:
    case TRACE_PKT_OUT: {
        bool in = ev.kind == TRACE_PKT_IN;
        Segment seg;
        std::string err = ev.link == TRACE_LINK_IP ? decode_segment(ev.bytes, ev.cap_len, &seg)
                                                   : std::string("not an IP packet");
        if (!err.empty()) {
            char buf[64];
            snprintf(buf, sizeof buf, "%u bytes", unsigned(ev.wire_len));
            return out + (in ? "< " : "> ") + "// " + buf + ", " + err;
        }
        int fi = const_cast<Runner*>(this)->flow_of_segment(seg, in);
        const Flow* f = fi >= 0 ? &flows_[size_t(fi)] : nullptr;
        return out + format_segment(seg, in, f, fi != default_flow_);
    }
    case TRACE_STATE: {
        uint16_t mine, peer;
        std::string to = ev.text;
        size_t arrow = to.find("-> ");
        if (arrow != std::string::npos)
            to = to.substr(arrow + 3);
        std::string who;
        if (subject_ports(ev.subject, &mine, &peer)) {
            int fi = -1;
            for (size_t i = 0; i < flows_.size(); i++) {
                if (flows_[i].peer_port == peer && flows_[i].stack_port == mine)
                    fi = int(i);
            }
            if (fi < 0 || fi != default_flow_)
                who = std::to_string(peer) + ">" + std::to_string(mine) + " ";
            return out + "%state " + who + to + "  // " + ev.text + " (" + ev.subject + ")";
        }
        return out + "// state " + ev.subject + ": " + ev.text;
    }
    case TRACE_VAR:
        return out + "// " + ev.subject + " " + ev.text + " = " + std::to_string(ev.value);
    case TRACE_NOTE:
    case TRACE_PKT_LOST:
        return out + "// " + ev.subject + ": " + ev.text;
    }
    return out + "// ?";
}

// Packets are printed once the ISNs they need are known, and before a new
// connection on the same ports replaces them: after every drain, and before
// each script line.
void Runner::format_pending()
{
    for (; formatted_upto_ < trace_entries_.size(); formatted_upto_++) {
        TraceEntry& t = trace_entries_[formatted_upto_];
        if (t.is_event) {
            t.text = format_entry(t);
            t.is_event = false;
        } else {
            t.text = format_time(t.time) + " " + t.text;
        }
    }
}

std::string Runner::format_trace()
{
    format_pending();
    std::string out;
    for (const TraceEntry& t : trace_entries_)
        out += t.text + "\n";
    if (trace_dropped_)
        out += "// ... " + std::to_string(trace_dropped_) + " more events not kept\n";
    return out;
}

}  // namespace tscript
