#include "core/eval/picklestorages.h"

#include <QtCore/QHash>

#include <cstring>

namespace {

/** What the walker keeps of a pickled value: strings, ints, globals and tuples of them. */
struct Value
{
    enum Kind { Other, Mark, String, Int, Global, Tuple } kind = Other;
    QByteArray text;          ///< String; Global: "module name"
    qint64 number = 0;
    std::vector<Value> items; ///< Tuple (only short ones are kept; see kMaxTuple)
};

constexpr std::size_t kMaxTuple = 8;
constexpr std::size_t kMaxStack = 1u << 16;

qint64 elementSize(const QByteArray &type)
{
    static const QHash<QByteArray, qint64> sizes{
        {"DoubleStorage", 8}, {"FloatStorage", 4}, {"HalfStorage", 2}, {"BFloat16Storage", 2},
        {"LongStorage", 8}, {"IntStorage", 4}, {"ShortStorage", 2}, {"CharStorage", 1},
        {"ByteStorage", 1}, {"BoolStorage", 1}, {"ComplexFloatStorage", 8}, {"ComplexDoubleStorage", 16},
        {"QInt8Storage", 1}, {"QUInt8Storage", 1}, {"QInt32Storage", 4}, {"UntypedStorage", 1},
    };
    return sizes.value(type, 0);
}

class Walker
{
public:
    Walker(const char *data, qint64 size) : m_p(reinterpret_cast<const uchar *>(data)), m_end(m_p + size) {}

    std::vector<PickledStorage> run()
    {
        while (m_p < m_end && step()) {
        }
        return m_found;
    }

private:
    bool need(qint64 n) const { return n >= 0 && m_end - m_p >= n; }

    quint64 readLe(int n)
    {
        quint64 v = 0;
        for (int i = n - 1; i >= 0; --i)
            v = (v << 8) | m_p[i];
        m_p += n;
        return v;
    }

    bool push(Value value)
    {
        if (m_stack.size() >= kMaxStack)
            return false;
        m_stack.push_back(std::move(value));
        return true;
    }

    bool pop(Value *value = nullptr)
    {
        if (m_stack.empty())
            return false;
        if (value)
            *value = std::move(m_stack.back());
        m_stack.pop_back();
        return true;
    }

    /** Pops everything above the topmost mark (and the mark); false without one. */
    bool popToMark(std::vector<Value> *items)
    {
        for (std::size_t i = m_stack.size(); i-- > 0;) {
            if (m_stack[i].kind == Value::Mark) {
                if (items)
                    items->assign(std::make_move_iterator(m_stack.begin() + std::ptrdiff_t(i) + 1),
                                  std::make_move_iterator(m_stack.end()));
                m_stack.resize(i);
                return true;
            }
        }
        return false;
    }

    Value tuple(std::vector<Value> items)
    {
        Value value;
        if (items.size() <= kMaxTuple) {
            value.kind = Value::Tuple;
            value.items = std::move(items);
        }
        return value;
    }

    bool pushString(qint64 length, bool keep = true)
    {
        if (!need(length))
            return false;
        Value value;
        if (keep && length <= 256) {
            value.kind = Value::String;
            value.text = QByteArray(reinterpret_cast<const char *>(m_p), int(length));
        }
        m_p += length;
        return push(std::move(value));
    }

    bool pushInt(qint64 number)
    {
        Value value;
        value.kind = Value::Int;
        value.number = number;
        return push(std::move(value));
    }

    void persistentId(const Value &id)
    {
        if (id.kind != Value::Tuple || id.items.size() < 5 || id.items[0].kind != Value::String
            || id.items[0].text != "storage" || id.items[1].kind != Value::Global || id.items[2].kind != Value::String
            || id.items[4].kind != Value::Int)
            return;
        PickledStorage storage;
        storage.key = id.items[2].text;
        storage.type = id.items[1].text.mid(id.items[1].text.lastIndexOf(' ') + 1);
        const qint64 element = elementSize(storage.type);
        const qint64 numel = id.items[4].number;
        if (element == 0 || numel < 0 || numel > (qint64(1) << 56) / element)
            return;
        storage.bytes = numel * element;
        m_found.push_back(storage);
    }

    bool step()
    {
        const uchar op = *m_p++;
        Value a;
        Value b;
        std::vector<Value> items;
        switch (op) {
        case 0x80: if (!need(1)) return false; m_p += 1; return true;            // PROTO
        case 0x95: if (!need(8)) return false; m_p += 8; return true;            // FRAME
        case 'c': {                                                               // GLOBAL
            const uchar *first = static_cast<const uchar *>(std::memchr(m_p, '\n', std::size_t(m_end - m_p)));
            if (!first)
                return false;
            const uchar *second = static_cast<const uchar *>(std::memchr(first + 1, '\n', std::size_t(m_end - first - 1)));
            if (!second)
                return false;
            Value value;
            value.kind = Value::Global;
            value.text = QByteArray(reinterpret_cast<const char *>(m_p), int(first - m_p)) + ' '
                         + QByteArray(reinterpret_cast<const char *>(first + 1), int(second - first - 1));
            m_p = second + 1;
            return push(std::move(value));
        }
        case 0x93:                                                                // STACK_GLOBAL
            if (!pop(&b) || !pop(&a))
                return false;
            {
                Value value;
                value.kind = Value::Global;
                value.text = a.text + ' ' + b.text;
                return push(std::move(value));
            }
        case 'X': case 'T': if (!need(4)) return false; return pushString(qint64(readLe(4)));
        case 0x8c: case 'U': if (!need(1)) return false; return pushString(qint64(readLe(1)));
        case 0x8d: if (!need(8)) return false; return pushString(qint64(readLe(8)));
        case 'B': if (!need(4)) return false; return pushString(qint64(readLe(4)), false);
        case 'C': if (!need(1)) return false; return pushString(qint64(readLe(1)), false);
        case 0x8e: if (!need(8)) return false; return pushString(qint64(readLe(8)), false);
        case 'J': if (!need(4)) return false; return pushInt(qint32(quint32(readLe(4))));
        case 'K': if (!need(1)) return false; return pushInt(qint64(readLe(1)));
        case 'M': if (!need(2)) return false; return pushInt(qint64(readLe(2)));
        case 0x8a: {                                                              // LONG1
            if (!need(1))
                return false;
            const int n = int(readLe(1));
            if (!need(n))
                return false;
            if (n == 0 || n > 8) {
                m_p += n;
                return push(Value());
            }
            quint64 v = readLe(n);
            if (n < 8 && (v >> (8 * n - 1)) & 1)
                v |= ~quint64(0) << (8 * n); // sign-extend
            return pushInt(qint64(v));
        }
        case 0x8b: if (!need(4)) return false; { const qint64 n = qint64(readLe(4)); if (!need(n)) return false; m_p += n; } return push(Value());
        case 'G': if (!need(8)) return false; m_p += 8; return push(Value());
        case 'N': case 0x88: case 0x89: case ']': case '}': return push(Value());
        case ')': return push(tuple({}));
        case '(': { Value mark; mark.kind = Value::Mark; return push(std::move(mark)); }
        case 't': if (!popToMark(&items)) return false; return push(tuple(std::move(items)));
        case 0x85: case 0x86: case 0x87: {                                        // TUPLE1..3
            const std::size_t n = std::size_t(op - 0x84);
            if (m_stack.size() < n)
                return false;
            items.assign(std::make_move_iterator(m_stack.end() - std::ptrdiff_t(n)), std::make_move_iterator(m_stack.end()));
            m_stack.resize(m_stack.size() - n);
            return push(tuple(std::move(items)));
        }
        case 'q': if (!need(1) || m_stack.empty()) return false; m_memo.insert(quint32(readLe(1)), m_stack.back()); return true;
        case 'r': if (!need(4) || m_stack.empty()) return false; m_memo.insert(quint32(readLe(4)), m_stack.back()); return true;
        case 0x94: if (m_stack.empty()) return false; m_memo.insert(quint32(m_memo.size()), m_stack.back()); return true;
        case 'h': if (!need(1)) return false; return push(m_memo.value(quint32(readLe(1))));
        case 'j': if (!need(4)) return false; return push(m_memo.value(quint32(readLe(4))));
        case 'Q': if (!pop(&a)) return false; persistentId(a); return push(Value());   // BINPERSID
        case 'R': case 0x81: if (!pop() || !pop()) return false; return push(Value()); // REDUCE, NEWOBJ
        case 'b': case 'a': case '0': return pop();                              // BUILD, APPEND, POP
        case 's': return pop() && pop();                                          // SETITEM
        case 'u': case 'e': case '1': return popToMark(nullptr);                 // SETITEMS, APPENDS, POP_MARK
        case '2': if (m_stack.empty()) return false; return push(m_stack.back()); // DUP
        case '.': return false;                                                   // STOP
        default: return false; // an opcode TorchScript does not write: stop, keep what was found
        }
    }

    const uchar *m_p;
    const uchar *m_end;
    std::vector<Value> m_stack;
    QHash<quint32, Value> m_memo;
    std::vector<PickledStorage> m_found;
};

} // namespace

std::vector<PickledStorage> pickledStorages(const char *data, qint64 size)
{
    return Walker(data, size).run();
}
