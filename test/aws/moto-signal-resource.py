"""
A stand-in for CloudFormation's SignalResource, loaded into moto's own process
(MotoServer.start({ standIns: [...] })): moto 5.2.1 does not implement the operation (it answers
500, "The signal_resource action has not been implemented"), and no other program here serves
CloudFormation. With it, the real AWS CLI still parses and validates the command against its
service model, signs and sends the request, and moto's recorder records it in order with every
other call; only the answer is stood in for: the empty success CloudFormation gives a signal it
accepts. It checks nothing further (that the stack, the resource and its creation policy exist).
"""
from moto.cloudformation.responses import CloudFormationResponse
from moto.core.responses import EmptyResult


def signal_resource(self):
    return EmptyResult()


CloudFormationResponse.signal_resource = signal_resource
