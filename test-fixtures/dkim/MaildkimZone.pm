# Answers Mail::DKIM's DNS queries from zone.yaml, the fixture zone our tests use, so that the
# Perl scripts here verify against exactly the records verifyDkim sees, with no DNS server.
#
# Mail::DKIM::DNS::query calls send() on the resolver object it is given (see its "resolver()"
# documentation) and reads the reply's rcode and answer section; we build those replies as a real
# server would: NXDOMAIN for a name not in the zone, NOERROR with no TXT for NODATA, the CNAME
# followed by its target's records for an alias. A TIMEOUT entry dies as Net::DNS does when no
# server answers, which Mail::DKIM turns into a temporary error.
package MaildkimZone;
use strict;
use warnings;
use JSON::PP;
use Mail::DKIM::DNS;
use Net::DNS;

my %ZONE;    # lower-case name -> [ { type => 'TXT', strings => [...] } | { type => 'CNAME'|'A', value } | 'TIMEOUT' ]

# Reads the subset of the openspf zonedata YAML that make-zone.mjs writes.
sub load {
    my ($path) = @_;
    open my $fh, '<:raw', $path or die "$path: $!";
    my ( $name, $txt );
    while ( my $line = <$fh> ) {
        $line =~ s/\r?\n\z//;
        next if $line =~ /^\s*(#|\z)/;
        if ( $line =~ /^(\S+):\z/ ) {
            $name = lc $1;
            $ZONE{$name} = [];
            next;
        }
        if ( $line =~ /^  - TIMEOUT\z/ ) {
            push @{ $ZONE{$name} }, 'TIMEOUT';
        }
        elsif ( $line =~ /^  - TXT:\z/ ) {
            $txt = { type => 'TXT', strings => [] };
            push @{ $ZONE{$name} }, $txt;
        }
        elsif ( $line =~ /^      - (".*")\z/ ) {
            push @{ $txt->{strings} }, JSON::PP->new->allow_nonref->decode($1);
        }
        elsif ( $line =~ /^  - (\w+): (".*")\z/ ) {
            push @{ $ZONE{$name} }, { type => $1, value => JSON::PP->new->allow_nonref->decode($2) };
        }
        else {
            die "$path: cannot read line: $line\n";
        }
    }
}

sub new { return bless { error => 'NOERROR' }, shift }

sub errorstring { return $_[0]{error} }

sub answer_rr {
    my ( $owner, $entry ) = @_;
    return Net::DNS::RR->new( owner => $owner, type => 'TXT', ttl => 300, txtdata => $entry->{strings} )
      if $entry->{type} eq 'TXT';
    return Net::DNS::RR->new( owner => $owner, type => $entry->{type}, ttl => 300,
        ( $entry->{type} eq 'CNAME' ? ( cname => $entry->{value} ) : ( address => $entry->{value} ) ) );
}

sub send {
    my ( $self, $qname, $qtype ) = @_;
    my $name  = lc $qname;
    my $reply = Net::DNS::Packet->new( $qname, $qtype, 'IN' );
    $reply->header->qr(1);
    $reply->header->aa(1);
    for ( my $hops = 0 ; $hops < 8 ; $hops++ ) {
        my $entries = $ZONE{$name};
        if ( !$entries ) {
            $reply->header->rcode('NXDOMAIN') unless $reply->answer;
            return $reply;
        }
        die "query timed out\n" if grep { !ref && $_ eq 'TIMEOUT' } @$entries;
        my ($cname) = grep { $_->{type} eq 'CNAME' } @$entries;
        if ( $cname && uc $qtype ne 'CNAME' ) {
            $reply->push( answer => answer_rr( $name, $cname ) );
            $name = lc $cname->{value};
            next;
        }
        $reply->push( answer => answer_rr( $name, $_ ) ) for grep { uc $_->{type} eq uc $qtype } @$entries;
        return $reply;
    }
    die "CNAME chain too long at $qname\n";
}

# Makes Mail::DKIM ask this zone instead of the system resolver.
sub install {
    my ($path) = @_;
    load($path);
    Mail::DKIM::DNS::resolver( MaildkimZone->new );
}

1;
