#include "core/util/parallelfor.h"
#include "core/util/singlethreadedops.h"
#include "core/util/threads.h"

#include <ATen/Parallel.h>
#include <QtTest/QtTest>

#include <malloc.h>
#include <mutex>
#include <set>
#include <thread>

/**
 * One OpenMP team computes: helper threads (the batch loader, decoders, the explainer's side
 * pass) run their torch ops on their own thread, and OpenBLAS's pool stays at one thread.
 */
class TestThreads final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        configureComputeThreads(2);
        QCOMPARE(at::get_num_threads(), 2);
    }

    void openBlasPoolIsHeldAtOneThread()
    {
        // 0 means the BLAS has no pool of its own (reference BLAS, BLIS): nothing to hold.
        const int threads = setBlasThreads(1);
        QVERIFY2(threads == 0 || threads == 1, qPrintable(QString::number(threads)));
    }

    void largeBlocksComeFromTheHeapNotFreshMaps()
    {
#if defined(__SANITIZE_ADDRESS__) || (defined(__has_feature) && __has_feature(address_sanitizer))
        QSKIP("ASan has its own allocator");
#endif
        // An activation-sized block: without keepLargeBlocksInTheHeap glibc mmaps it (and unmaps it on free).
        const std::size_t before = mallinfo2().hblkhd;
        void *block = std::malloc(std::size_t(64) << 20);
        QVERIFY(block);
        const std::size_t during = mallinfo2().hblkhd;
        std::free(block);
        QCOMPARE(during, before);
    }

    void singleThreadedOpsIsScopedAndPerThread()
    {
        {
            const SingleThreadedOps single;
            QCOMPARE(at::get_num_threads(), 1);
            // Another thread keeps the team size the process configured.
            int other = 0;
            std::thread([&other] { other = at::get_num_threads(); }).join();
            QCOMPARE(other, 2);
            {
                const SingleThreadedOps nested; // already 1: nothing to undo
                QCOMPARE(at::get_num_threads(), 1);
            }
            QCOMPARE(at::get_num_threads(), 1);
        }
        QCOMPARE(at::get_num_threads(), 2);
    }

    void parallelForWorkersStartNoTeamsOfTheirOwn()
    {
        std::mutex mutex;
        std::set<int> teamSizes;
        std::set<std::thread::id> workers;
        QVERIFY(parallelFor(64, 2, [&](int) {
            const int size = at::get_num_threads();
            std::lock_guard<std::mutex> lock(mutex);
            teamSizes.insert(size);
            workers.insert(std::this_thread::get_id());
        }));
        QCOMPARE(teamSizes, std::set<int>{1});
        QVERIFY(!workers.empty());
        QCOMPARE(at::get_num_threads(), 2); // the calling thread, one of the workers, is put back
    }
};

QTEST_GUILESS_MAIN(TestThreads)
#include "test_threads.moc"
