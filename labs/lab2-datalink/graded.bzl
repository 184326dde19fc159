"""Lab 2's graded tests (read by tools/labs/defs.bzl and tools/labs/grade.py).

Plain literals only: grade.py reads this file with Python's ast module."""

LAB = {
    "number": 2,
    "name": "datalink",
    "marked": True,
    "tests": [
        # Part A: Ethernet input and padding (stack/link/ethernet.c)
        {
            "target": "//tests/link:ethernet_test",
            "cases": {
                "EthernetTest.FrameForAnotherMacIsDroppedAndCounted": 3,
                "EthernetTest.FrameForOurMacIsDeliveredWithoutItsHeader": 4,
                "EthernetTest.BroadcastIsAccepted": 3,
                "EthernetTest.MulticastWeDidNotJoinIsDroppedAndCounted": 3,
                "EthernetTest.GroupSourceAddressIsDroppedAndCounted": 3,
                "EthernetTest.ShortFrameIsDroppedAndCounted": 3,
                "EthernetTest.DemuxByEtherTypeAndUnknownTypeCounted": 4,
                "EthernetTest.ShortPayloadIsPaddedWithZerosTo60Bytes": 4,
                "EthernetTest.PaddingWorksWithoutTailroom": 3,
            },
        },
        # Part B: ARP packet reception (stack/link/arp.c)
        {
            "target": "//tests/link:arp_input_test",
            "cases": {
                "ArpCapdev.RequestForUsIsAnsweredAndTeachesUsTheAsker": 5,
                "ArpCapdev.RequestWithEthernetPaddingIsAccepted": 3,
                "ArpCapdev.MalformedPacketsAreDroppedAndCountedByReasonWithoutReply": 4,
                "ArpCapdev.BadOpcodeDoesNotChangeAnExistingEntry": 3,
                "ArpCapdev.ProbeIsAnsweredButNotLearned": 3,
                "ArpCapdev.RequestForAnotherHostIsNotAnsweredNorLearned": 3,
                "ArpCapdev.ReplyMakesAStaleEntryReachableAndRequestsKeepReachable": 4,
            },
        },
        # Part C: the cache's states and timers (stack/link/arp_cache.c)
        {
            "target": "//tests/link:arp_resolve_test",
            "cases": {
                "ArpSim.FirstPacketWaitsForOneRequestAndLeavesAfterTheReply": 5,
                "ArpSim.SecondPacketWhileIncompleteQueuesWithoutASecondRequest": 3,
                "ArpSim.QueueBoundDropsTheOldestPacket": 2,
                "ArpSim.RequestForOurAddressIsAnsweredWithOurMac": 3,
                "ArpSim.StaleEntryIsUsedForSendingWithoutARequest": 3,
                "ArpSim.RequestsCrossingEachOtherResolveBothSides": 3,
            },
        },
        {
            "target": "//tests/link:arp_retry_test",
            "cases": {
                "ArpSim.SilentNeighbourGetsThreeRequestsOneSecondApartThenUnreachable": 4,
                "ArpSim.RetryScheduleFollowsTheConfiguration": 2,
                "ArpSim.AfterGivingUpTheNextPacketAsksAgainNoSoonerThanOneInterval": 2,
                "ArpSim.WithoutAnUnreachableHandlerQueuedPacketsAreStillFreed": 2,
                "ArpSim.ReplyAfterTheSecondRequestFlushesTheQueue": 2,
            },
        },
        {
            "target": "//tests/link:arp_aging_test",
            "cases": {
                "ArpSim.EntryAgesReachableStaleGoneAndTheNextPacketResolvesAgain": 4,
                "ArpSim.RequestFromTheHostRefreshesAStaleEntry": 2,
                "ArpSim.GratuitousArpUpdatesAnExistingEntryOnThePeer": 2,
                "ArpSim.GratuitousArpCreatesNoEntryOnAPeerThatDidNotKnowUs": 2,
            },
        },
        {
            "target": "//tests/link:arp_flood_test",
            "cases": {
                "ArpCapdev.FloodOfSpoofedRequestsKeepsTheCacheBounded": 2,
                "ArpCapdev.FullCacheWithNothingStaleRefusesNewEntriesAndCountsThem": 2,
            },
        },
    ],
}
