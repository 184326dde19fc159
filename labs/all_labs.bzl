"""Every lab's graded tests, in order: LABS[n - 1] is lab n's LAB dict."""

load("//labs/lab1-physical:graded.bzl", LAB1 = "LAB")
load("//labs/lab2-datalink:graded.bzl", LAB2 = "LAB")
load("//labs/lab3-network:graded.bzl", LAB3 = "LAB")
load("//labs/lab4-udp:graded.bzl", LAB4 = "LAB")
load("//labs/lab5-tcp-handshake:graded.bzl", LAB5 = "LAB")
load("//labs/lab6-tcp-window:graded.bzl", LAB6 = "LAB")
load("//labs/lab7-tcp-retransmission:graded.bzl", LAB7 = "LAB")
load("//labs/lab8-framing:graded.bzl", LAB8 = "LAB")
load("//labs/lab9-http:graded.bzl", LAB9 = "LAB")

LABS = [LAB1, LAB2, LAB3, LAB4, LAB5, LAB6, LAB7, LAB8, LAB9]

def earlier_labs(n):
    """The LAB dicts of labs 1 .. n - 1."""
    return LABS[:n - 1]
