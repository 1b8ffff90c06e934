//go:build race

package main

// raceDetector: the race detector maps terabytes of shadow memory, so no address-space limit fits it.
const raceDetector = true
